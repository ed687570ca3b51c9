#include "vpcprobe/net/channel.hpp"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <system_error>
#include <vector>

#include <fmt/format.h>

namespace vpcprobe::net {

namespace {
constexpr std::size_t kMaxDatagram = 65536;
constexpr int kMaxPerWakeup = 256;  // bounded work per wake-up under a flood
}  // namespace

Result<std::unique_ptr<Channel>> Channel::open(asio::io_context& io, sys::UniqueFd fd) {
  int one = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
    return fail(Errc::system, fmt::format("cannot set SO_TIMESTAMPNS: {}", std::strerror(errno)));
  int domain = 0;
  socklen_t len = sizeof domain;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
    return fail(Errc::system, fmt::format("cannot read SO_DOMAIN: {}", std::strerror(errno)));
  // Packet sockets: learn about VLAN tags the NIC stripped, or a tagged reply would pass as ours.
  if (domain == AF_PACKET && ::setsockopt(fd.get(), SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) != 0)
    return fail(Errc::system, fmt::format("cannot set PACKET_AUXDATA: {}", std::strerror(errno)));
  // The descriptor object watches readiness only; fd_ keeps ownership.
  int watched = ::dup(fd.get());
  if (watched < 0) {
    if (errno == EMFILE || errno == ENFILE)
      return fail(Errc::system, "too many open files: `ulimit -n` is too low for vpcprobe (it needs about 16)");
    return fail(Errc::system, fmt::format("dup: {}", std::strerror(errno)));
  }
  return std::unique_ptr<Channel>(new Channel(io, std::move(fd), watched));
}

Result<std::unique_ptr<Channel>> Channel::open_optional(asio::io_context& io, std::optional<sys::UniqueFd> fd) {
  if (!fd) return std::unique_ptr<Channel>();
  return open(io, std::move(*fd));
}

Channel::Channel(asio::io_context& io, sys::UniqueFd fd, int watched) : fd_(std::move(fd)), desc_(io) {
  desc_.assign(watched);
}

sys::UniqueFd Channel::take() {
  boost::system::error_code ec;
  desc_.cancel(ec);
  desc_.close(ec);  // the watching duplicate: not the socket's last reference, so cheap
  return std::move(fd_);
}

Channel::~Channel() {
  *alive_ = false;  // a wait handler still queued must not touch this object
  boost::system::error_code ec;
  desc_.cancel(ec);
  desc_.close(ec);
  // A packet socket's last close waits for an RCU grace period: off the critical path.
  if (sys::is_packet_socket(fd_.get())) sys::defer_close(std::move(fd_));
}

int Channel::subscribe(Listener listener) {
  int id = next_id_++;
  listeners_.emplace(id, std::move(listener));
  if (!reading_) arm();
  return id;
}

void Channel::unsubscribe(int id) {
  listeners_.erase(id);
  if (listeners_.empty() && reading_) {
    boost::system::error_code ec;
    desc_.cancel(ec);
  }
}

void Channel::arm() {
  reading_ = true;
  desc_.async_wait(asio::posix::stream_descriptor::wait_read, [this, alive = alive_](boost::system::error_code ec) {
    if (!*alive) return;
    reading_ = false;
    if (!ec) drain();
    // A wait cancelled because the last listener left may have been overtaken by a new listener
    // (one probe failed at once, the next one subscribed before the cancel was delivered): keep
    // reading for it, or its answer would sit in the socket unread.
    if (!listeners_.empty()) arm();
  });
}

void Channel::drain() {
  for (int n = 0; n < kMaxPerWakeup && !listeners_.empty(); ++n)
    if (!read_one(false)) break;
  for (int n = 0; n < kMaxPerWakeup && !listeners_.empty(); ++n)
    if (!read_one(true)) break;
}

bool Channel::read_one(bool error_queue) {
  // Aligned storage so kernel structures in the buffer may be viewed in place.
  static thread_local std::vector<std::uint64_t> storage(kMaxDatagram / sizeof(std::uint64_t));
  auto* buf = reinterpret_cast<std::uint8_t*>(storage.data());
  sockaddr_storage from{};
  alignas(cmsghdr) std::array<char, 512> control{};
  iovec iov{buf, kMaxDatagram};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t len = ::recvmsg(fd_.get(), &msg, MSG_DONTWAIT | (error_queue ? MSG_ERRQUEUE : 0));
  if (len < 0) {
    // EAGAIN: drained. Anything else is an error the socket held for us (a send that a local
    // firewall refused leaves EPERM pending on a raw socket): reading returns it once and clears
    // it, and the datagrams behind it are still queued. Asio watches the descriptor edge-triggered,
    // so stopping here would leave them unread until the next packet arrives, and another probe's
    // answer would be lost. Read on (the wake-up's work stays bounded).
    return errno != EAGAIN && errno != EWOULDBLOCK;
  }
  Received rx;
  rx.bytes = wire::ByteView(buf, std::min<std::size_t>(static_cast<std::size_t>(len), kMaxDatagram));
  rx.kernel_time = Clock::now();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS && c->cmsg_len >= CMSG_LEN(sizeof(timespec))) {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      rx.kernel_time = Clock::time_point(std::chrono::duration_cast<Clock::duration>(
          std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
    } else if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
               c->cmsg_len >= CMSG_LEN(sizeof(tpacket_auxdata))) {
      tpacket_auxdata aux;
      std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
      rx.vlan_tagged = (aux.tp_status & TP_STATUS_VLAN_VALID) != 0 || aux.tp_vlan_tci != 0;
    } else {
      parse_inet_cmsg(c, rx.hops, rx.queued_error, &rx.to);
    }
  }
  if (from.ss_family == AF_PACKET && msg.msg_namelen >= sizeof(sockaddr_ll)) {
    const auto* ll = reinterpret_cast<const sockaddr_ll*>(&from);
    rx.ifindex = ll->sll_ifindex;
    rx.outgoing = ll->sll_pkttype == PACKET_OUTGOING;
    rx.other_host = ll->sll_pkttype == PACKET_OTHERHOST;
  } else {
    rx.from = address_of(&from, msg.msg_namelen);
  }
  if (error_queue && !rx.queued_error) return true;  // nothing we can attribute
  bool claimed = false;
  // A listener may unsubscribe itself (or others) while we iterate: walk a snapshot of ids.
  std::vector<int> ids;
  ids.reserve(listeners_.size());
  for (auto& [id, _] : listeners_) ids.push_back(id);
  for (int id : ids) {
    auto it = listeners_.find(id);
    if (it == listeners_.end()) continue;
    auto listener = it->second;  // copy: the entry may be erased inside the call
    // Every listener sees every datagram: two operations may wait for the same answer (an ARP
    // reply for an address that a diagnosis and a neighbor audit both ask about).
    claimed |= listener(rx);
  }
  if (!claimed) ++rejected_;
  return true;
}

SendResult Channel::send(wire::ByteView bytes, const SockAddr& to) { return send_to(bytes, to.get(), to.size()); }

SendResult Channel::send_frame(wire::ByteView frame, int ifindex, const wire::Mac& dst, std::uint16_t ethertype) {
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ethertype);
  to.sll_ifindex = ifindex;
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, dst.bytes.data(), 6);
  return send_to(frame, &to, sizeof to);
}

SendResult Channel::send_to(wire::ByteView bytes, const void* to, unsigned to_len) {
  // A full socket buffer or device queue (EAGAIN, ENOBUFS) is transient: back off briefly, a few
  // times (at most ~3 ms in all, so no probe is held up), then report it with how often we tried.
  // The back-off sleeps in the event loop, so it is bounded: right after a send that failed for
  // good (a burst of probes towards unresolved neighbors fails with ENOBUFS all at once), the next
  // sends within a few milliseconds are tried once, not backed off from again.
  constexpr int kTries = 4;
  constexpr auto kQuiet = std::chrono::milliseconds(5);
  const bool backing_off_allowed = std::chrono::steady_clock::now() - last_exhausted_ > kQuiet;
  for (int attempt = 0;; ++attempt) {
    auto when = Clock::now();
    ssize_t n = ::sendto(fd_.get(), bytes.data(), bytes.size(), MSG_DONTWAIT, static_cast<const sockaddr*>(to), to_len);
    if (n >= 0) return when;
    int err = errno;
    bool transient = err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
    if (!transient || !backing_off_allowed || attempt + 1 == kTries) {
      if (transient) last_exhausted_ = std::chrono::steady_clock::now();
      return std::unexpected(model::SendError{err, attempt + 1});
    }
    ++send_retries_;
    ::usleep(static_cast<useconds_t>(100u << (2 * attempt)));  // 100 us, 400 us, 1.6 ms
  }
}

}  // namespace vpcprobe::net
