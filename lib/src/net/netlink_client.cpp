#include "vpcprobe/net/netlink_client.hpp"

#include <linux/netlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "vpcprobe/net/inet.hpp"
#include "vpcprobe/wire/netlink.hpp"

namespace vpcprobe::net {

namespace {
constexpr std::size_t kRecvBuffer = 32768;
constexpr int kMaxDatagrams = 4096;  // a dump of a very large table still ends
}  // namespace

Result<NetlinkClient> NetlinkClient::open() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE)
      return fail(Errc::system, "too many open files: `ulimit -n` is too low for vpcprobe (it needs about 16)");
    return fail(Errc::system, fmt::format("netlink socket: {}", std::strerror(errno)));
  }
  sys::UniqueFd owned(fd);
  // The guard that keeps a silent kernel from hanging us: without it, no query may run.
  timeval tv{2, 0};
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0)
    return fail(Errc::system, fmt::format("netlink: cannot set SO_RCVTIMEO: {}", std::strerror(errno)));
  // Extended acks give the kernel's own words for a refused change; older kernels lack them.
  int one = 1;
  (void)::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
    return fail(Errc::system, fmt::format("netlink bind: {}", std::strerror(errno)));
  return NetlinkClient(std::move(owned));
}

Result<NetlinkClient::Reply> NetlinkClient::transact(const std::vector<std::uint8_t>& request, bool dump,
                                                     const std::function<void(wire::ByteView)>& each) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    return fail(Errc::system, fmt::format("netlink send: {}", std::strerror(errno)));
  std::uint32_t seq;
  std::memcpy(&seq, request.data() + offsetof(nlmsghdr, nlmsg_seq), sizeof seq);

  Reply reply;
  std::vector<std::uint64_t> storage(kRecvBuffer / sizeof(std::uint64_t));
  auto* buf = reinterpret_cast<std::uint8_t*>(storage.data());
  for (int i = 0; i < kMaxDatagrams; ++i) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t len = ::recvfrom(fd_.get(), buf, kRecvBuffer, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (len < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return fail(Errc::system, "netlink: the kernel did not answer within 2 s");
      return fail(Errc::system, fmt::format("netlink receive: {}", std::strerror(errno)));
    }
    if (from.nl_pid != 0) continue;  // only the kernel answers us
    auto batch = wire::split_netlink(wire::ByteView(buf, static_cast<std::size_t>(len)));
    if (!batch) return std::unexpected(batch.error());
    for (auto msg : batch->messages) {
      const auto* nlh = reinterpret_cast<const nlmsghdr*>(msg.data());
      if (nlh->nlmsg_seq != seq) continue;
      if (each) each(msg);
      else reply.messages.emplace_back(msg.begin(), msg.end());
    }
    if (batch->error && batch->error_seq == seq) {
      reply.kernel_errno = *batch->error;
      reply.kernel_message = batch->error_message;
      return reply;
    }
    if ((batch->done && batch->done_seq == seq) || (!dump && !reply.messages.empty())) return reply;
    if (!dump && each && !batch->messages.empty()) return reply;
  }
  return fail(Errc::system, "netlink: reply did not end");
}

Result<model::RouteInfo> NetlinkClient::route_query(const wire::IpAddr& dst, int oif, const wire::RouteQuery& q, const char* what) {
  auto reply = transact(wire::encode_route_get(dst, static_cast<std::uint8_t>(Inet::of(dst.family()).af), oif, seq_++, q), false);
  if (!reply) return std::unexpected(reply.error());
  if (int err = reply->kernel_errno; err != 0) {
    if (auto type = wire::route_type_from_errno(err)) {  // unreachable, prohibit, blackhole: an answer
      model::RouteInfo r;
      r.type = *type;
      return r;
    }
    if (err == ENODEV) return fail(Errc::not_found, fmt::format("{}: no such interface", what));
    return fail(Errc::system, fmt::format("{} for {}: {}", what, dst.to_string(), std::strerror(err)), err);
  }
  if (reply->messages.empty()) return fail(Errc::system, fmt::format("{}: empty answer", what));
  auto& m = reply->messages.front();
  return wire::decode_route(wire::ByteView(m.data(), m.size()));
}

Result<model::RouteInfo> NetlinkClient::route_get(const wire::IpAddr& dst, int oif) {
  return route_query(dst, oif, {}, "route lookup");
}

Result<model::RouteInfo> NetlinkClient::route_match(const wire::IpAddr& dst) {
  wire::RouteQuery q;
  q.fib_match = true;
  return route_query(dst, 0, q, "route lookup (fibmatch)");
}

Result<bool> NetlinkClient::input_route_ok(const wire::IpAddr& dst, const wire::IpAddr& src, int iif) {
  wire::RouteQuery q;
  q.src = src;
  q.iif = iif;
  auto reply = transact(wire::encode_route_get(dst, static_cast<std::uint8_t>(Inet::of(dst.family()).af), 0, seq_++, q), false);
  if (!reply) return std::unexpected(reply.error());
  // rp_filter says no: EXDEV, or EINVAL (a martian source) for a packet to this host on some kernels;
  // the caller compares with the same lookup on another interface, which tells the two EINVALs apart
  if (reply->kernel_errno == EXDEV || reply->kernel_errno == EINVAL) return false;
  if (reply->kernel_errno != 0)
    return fail(Errc::system, fmt::format("input route lookup: {}", std::strerror(reply->kernel_errno)), reply->kernel_errno);
  return true;
}

Result<std::vector<model::NeighEntry>> NetlinkClient::neigh_dump(wire::Family family, int ifindex) {
  // Decoded as the datagrams arrive: a table of 100 000 entries is never held twice.
  std::vector<model::NeighEntry> out;
  auto reply = transact(wire::encode_neigh_dump(static_cast<std::uint8_t>(Inet::of(family).af), ifindex, seq_++), true,
                        [&](wire::ByteView m) {
                          auto e = wire::decode_neigh(m);
                          if (!e || e->ip.family() != family) return;  // not an entry we understand
                          if (ifindex > 0 && e->ifindex != ifindex) return;
                          out.push_back(*e);
                        });
  if (!reply) return std::unexpected(reply.error());
  if (reply->kernel_errno != 0) return fail(Errc::system, fmt::format("neighbor dump: {}", std::strerror(reply->kernel_errno)));
  return out;
}

Result<std::vector<model::NeighTable>> NetlinkClient::neigh_tables() {
  std::vector<model::NeighTable> out;
  std::vector<wire::NeighTblParms> parms;
  auto reply = transact(wire::encode_neightbl_dump(0, seq_++), true, [&](wire::ByteView m) {
    if (auto t = wire::decode_neightbl(m); t && *t) out.push_back(std::move(**t));
    else if (auto p = wire::decode_neightbl_parms(m); p && *p && parms.size() < 65536) parms.push_back(**p);
  });
  for (auto& t : out)
    for (const auto& p : parms)
      if (p.family == t.family) t.interfaces.push_back(p.parms);
  if (!reply) return std::unexpected(reply.error());
  if (reply->kernel_errno != 0)
    return fail(Errc::system, fmt::format("neighbor table dump: {}", std::strerror(reply->kernel_errno)));
  return out;
}

Result<std::optional<model::NeighEntry>> NetlinkClient::neigh_get(const wire::IpAddr& ip, int ifindex) {
  auto all = neigh_dump(ip.family(), ifindex);
  if (!all) return std::unexpected(all.error());
  for (auto& e : *all)
    if (e.ip == ip) return std::optional<model::NeighEntry>(e);
  return std::optional<model::NeighEntry>();
}

Result<std::vector<model::AddrInfo>> NetlinkClient::addresses(wire::Family family) {
  auto reply = transact(wire::encode_addr_dump(static_cast<std::uint8_t>(Inet::of(family).af), seq_++), true);
  if (!reply) return std::unexpected(reply.error());
  if (reply->kernel_errno != 0) return fail(Errc::system, fmt::format("address dump: {}", std::strerror(reply->kernel_errno)));
  std::vector<model::AddrInfo> out;
  for (auto& m : reply->messages)
    if (auto a = wire::decode_addr(wire::ByteView(m.data(), m.size())); a && a->addr.family() == family) out.push_back(*a);
  return out;
}

namespace {
Result<void> ack_result(int err, const std::optional<std::string>& kernel_message, const char* what) {
  if (err == 0) return {};
  if (err == EPERM || err == EACCES) return fail(Errc::permission, fmt::format("{} needs CAP_NET_ADMIN", what));
  if (kernel_message && !kernel_message->empty())
    return fail(Errc::system, fmt::format("{}: {} ({})", what, *kernel_message, std::strerror(err)));
  return fail(Errc::system, fmt::format("{}: {}", what, std::strerror(err)));
}
}  // namespace

Result<void> NetlinkClient::neigh_replace(int ifindex, const wire::IpAddr& ip, const wire::Mac& mac) {
  auto reply = transact(wire::encode_neigh_replace(static_cast<std::uint8_t>(Inet::of(ip.family()).af), ifindex, ip, mac, seq_++), false);
  if (!reply) return std::unexpected(reply.error());
  return ack_result(reply->kernel_errno, reply->kernel_message, "changing the neighbor table");
}

Result<void> NetlinkClient::neigh_delete(int ifindex, const wire::IpAddr& ip) {
  auto reply = transact(wire::encode_neigh_delete(static_cast<std::uint8_t>(Inet::of(ip.family()).af), ifindex, ip, seq_++), false);
  if (!reply) return std::unexpected(reply.error());
  return ack_result(reply->kernel_errno, reply->kernel_message, "deleting a neighbor entry");
}

Result<model::LinkInfo> NetlinkClient::link(int ifindex) {
  auto reply = transact(wire::encode_link_get(ifindex, {}, seq_++), false);
  if (!reply) return std::unexpected(reply.error());
  if (reply->kernel_errno == ENODEV) return fail(Errc::not_found, fmt::format("no interface with index {}", ifindex));
  if (reply->kernel_errno != 0) return fail(Errc::system, fmt::format("link query: {}", std::strerror(reply->kernel_errno)));
  if (reply->messages.empty()) return fail(Errc::system, "link query: empty answer");
  auto& m = reply->messages.front();
  return wire::decode_link(wire::ByteView(m.data(), m.size()));
}

Result<model::LinkInfo> NetlinkClient::link_by_name(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return fail(Errc::invalid_argument, fmt::format("interface name must be 1 to {} characters", IFNAMSIZ - 1));
  auto reply = transact(wire::encode_link_get(0, name, seq_++), false);
  if (!reply) return std::unexpected(reply.error());
  if (reply->kernel_errno == ENODEV || reply->kernel_errno == EINVAL)
    return fail(Errc::not_found, fmt::format("no interface named '{}'", name));
  if (reply->kernel_errno != 0) return fail(Errc::system, fmt::format("link query: {}", std::strerror(reply->kernel_errno)));
  if (reply->messages.empty()) return fail(Errc::system, "link query: empty answer");
  auto& m = reply->messages.front();
  return wire::decode_link(wire::ByteView(m.data(), m.size()));
}

}  // namespace vpcprobe::net
