#include "vpcprobe/net/netlink_client.hpp"

#include <linux/netlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>

#include "vpcprobe/wire/netlink.hpp"

namespace vpcprobe::net {

namespace {
constexpr std::size_t kRecvBuffer = 32768;
constexpr int kMaxDatagrams = 4096;  // a dump of a very large table still ends
}  // namespace

Result<NetlinkClient> NetlinkClient::open() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return fail(Errc::system, fmt::format("netlink socket: {}", std::strerror(errno)));
  sys::UniqueFd owned(fd);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
    return fail(Errc::system, fmt::format("netlink bind: {}", std::strerror(errno)));
  return NetlinkClient(std::move(owned));
}

Result<std::vector<std::vector<std::uint8_t>>> NetlinkClient::transact(
    const std::vector<std::uint8_t>& request, bool dump, int* kernel_errno) {
  *kernel_errno = 0;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0)
    return fail(Errc::system, fmt::format("netlink send: {}", std::strerror(errno)));
  std::uint32_t seq;
  std::memcpy(&seq, request.data() + offsetof(nlmsghdr, nlmsg_seq), sizeof seq);

  std::vector<std::vector<std::uint8_t>> out;
  std::vector<std::uint64_t> storage(kRecvBuffer / sizeof(std::uint64_t));
  auto* buf = reinterpret_cast<std::uint8_t*>(storage.data());
  for (int i = 0; i < kMaxDatagrams; ++i) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t len = ::recvfrom(fd_.get(), buf, kRecvBuffer, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (len < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::system, fmt::format("netlink receive: {}", std::strerror(errno)));
    }
    if (from.nl_pid != 0) continue;  // only the kernel answers us
    auto batch = wire::split_netlink(wire::ByteView(buf, static_cast<std::size_t>(len)));
    if (!batch) return std::unexpected(batch.error());
    for (auto msg : batch->messages) {
      const auto* nlh = reinterpret_cast<const nlmsghdr*>(msg.data());
      if (nlh->nlmsg_seq != seq) continue;
      out.emplace_back(msg.begin(), msg.end());
    }
    if (batch->error) {
      *kernel_errno = *batch->error;
      return out;
    }
    if (batch->done || (!dump && !out.empty())) return out;
  }
  return fail(Errc::system, "netlink: reply did not end");
}

Result<model::RouteInfo> NetlinkClient::route_get(const wire::Ipv4& dst, int oif) {
  int err = 0;
  auto msgs = transact(wire::encode_route_get(dst, oif, seq_++), false, &err);
  if (!msgs) return std::unexpected(msgs.error());
  if (err != 0) {
    if (auto type = wire::route_type_from_errno(err)) {
      model::RouteInfo r;
      r.type = *type;
      return r;
    }
    if (err == ENODEV) return fail(Errc::not_found, "route lookup: no such interface");
    return fail(Errc::system, fmt::format("route lookup for {}: {}", dst.to_string(), std::strerror(err)));
  }
  if (msgs->empty()) return fail(Errc::system, "route lookup: empty answer");
  auto& m = msgs->front();
  return wire::decode_route(wire::ByteView(m.data(), m.size()));
}

Result<std::vector<model::NeighEntry>> NetlinkClient::neigh_dump(int ifindex) {
  int err = 0;
  auto msgs = transact(wire::encode_neigh_dump(ifindex, seq_++), true, &err);
  if (!msgs) return std::unexpected(msgs.error());
  if (err != 0) return fail(Errc::system, fmt::format("neighbor dump: {}", std::strerror(err)));
  std::vector<model::NeighEntry> out;
  for (auto& m : *msgs) {
    auto e = wire::decode_neigh(wire::ByteView(m.data(), m.size()));
    if (!e) continue;  // not IPv4, or not an entry we understand
    if (ifindex > 0 && e->ifindex != ifindex) continue;
    out.push_back(*e);
  }
  return out;
}

Result<std::optional<model::NeighEntry>> NetlinkClient::neigh_get(const wire::Ipv4& ip, int ifindex) {
  auto all = neigh_dump(ifindex);
  if (!all) return std::unexpected(all.error());
  for (auto& e : *all)
    if (e.ip == ip) return std::optional<model::NeighEntry>(e);
  return std::optional<model::NeighEntry>();
}

Result<std::vector<model::AddrInfo>> NetlinkClient::addresses() {
  int err = 0;
  auto msgs = transact(wire::encode_addr_dump(seq_++), true, &err);
  if (!msgs) return std::unexpected(msgs.error());
  if (err != 0) return fail(Errc::system, fmt::format("address dump: {}", std::strerror(err)));
  std::vector<model::AddrInfo> out;
  for (auto& m : *msgs)
    if (auto a = wire::decode_addr(wire::ByteView(m.data(), m.size()))) out.push_back(*a);
  return out;
}

namespace {
Result<void> ack_result(int err, const char* what) {
  if (err == 0) return {};
  if (err == EPERM || err == EACCES)
    return fail(Errc::permission, fmt::format("{} needs CAP_NET_ADMIN", what));
  return fail(Errc::system, fmt::format("{}: {}", what, std::strerror(err)));
}
}  // namespace

Result<void> NetlinkClient::neigh_replace(int ifindex, const wire::Ipv4& ip, const wire::Mac& mac) {
  int err = 0;
  auto msgs = transact(wire::encode_neigh_replace(ifindex, ip, mac, seq_++), false, &err);
  if (!msgs) return std::unexpected(msgs.error());
  return ack_result(err, "changing the neighbor table");
}

Result<void> NetlinkClient::neigh_delete(int ifindex, const wire::Ipv4& ip) {
  int err = 0;
  auto msgs = transact(wire::encode_neigh_delete(ifindex, ip, seq_++), false, &err);
  if (!msgs) return std::unexpected(msgs.error());
  return ack_result(err, "deleting a neighbor entry");
}

Result<model::LinkInfo> NetlinkClient::link(int ifindex) {
  int err = 0;
  auto msgs = transact(wire::encode_link_get(ifindex, {}, seq_++), false, &err);
  if (!msgs) return std::unexpected(msgs.error());
  if (err == ENODEV) return fail(Errc::not_found, fmt::format("no interface with index {}", ifindex));
  if (err != 0) return fail(Errc::system, fmt::format("link query: {}", std::strerror(err)));
  if (msgs->empty()) return fail(Errc::system, "link query: empty answer");
  auto& m = msgs->front();
  return wire::decode_link(wire::ByteView(m.data(), m.size()));
}

Result<model::LinkInfo> NetlinkClient::link_by_name(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return fail(Errc::invalid_argument, fmt::format("interface name must be 1 to {} characters", IFNAMSIZ - 1));
  int err = 0;
  auto msgs = transact(wire::encode_link_get(0, name, seq_++), false, &err);
  if (!msgs) return std::unexpected(msgs.error());
  if (err == ENODEV || err == EINVAL) return fail(Errc::not_found, fmt::format("no interface named '{}'", name));
  if (err != 0) return fail(Errc::system, fmt::format("link query: {}", std::strerror(err)));
  if (msgs->empty()) return fail(Errc::system, "link query: empty answer");
  auto& m = msgs->front();
  return wire::decode_link(wire::ByteView(m.data(), m.size()));
}

}  // namespace vpcprobe::net
