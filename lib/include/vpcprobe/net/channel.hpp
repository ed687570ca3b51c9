#pragma once
// One datagram socket (AF_PACKET, raw IP or ping socket) on the shared io_context. Asio tells us
// when the socket is readable; we read with recvmsg() ourselves so the kernel's receive timestamp
// (SO_TIMESTAMPNS), the link-layer address and the family's control messages come along. Every
// datagram is offered to every listener; one that no listener claims is counted as rejected.
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/net/inet.hpp"
#include "vpcprobe/sys/fd.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::net {

using Clock = std::chrono::system_clock;  // SO_TIMESTAMPNS stamps are CLOCK_REALTIME

struct Received {
  wire::ByteView bytes;
  Clock::time_point kernel_time;  // when the kernel received it, or when we read it if unstamped
  int ifindex = 0;                // AF_PACKET: receiving interface
  bool outgoing = false;          // AF_PACKET: a copy of a frame this host sent
  bool other_host = false;        // AF_PACKET: addressed to another host's MAC
  bool vlan_tagged = false;       // AF_PACKET: arrived with an 802.1Q tag the NIC stripped
  std::optional<wire::IpAddr> from;           // IP sockets: source address
  std::optional<wire::IpAddr> to;             // IPv6 sockets with IPV6_RECVPKTINFO: destination address
  std::optional<std::uint8_t> hops;           // IP sockets: TTL / hop limit (IP_RECVTTL, IPV6_RECVHOPLIMIT)
  std::optional<ExtendedError> queued_error;  // set when read from the error queue
};

using SendResult = std::expected<Clock::time_point, model::SendError>;

class Channel {
 public:
  using Listener = std::function<bool(const Received&)>;  // true: the datagram was ours

  // Takes the socket, turns on kernel receive timestamps (and, on packet sockets, VLAN aux data);
  // a socket option the kernel refuses is an error naming it.
  static Result<std::unique_ptr<Channel>> open(asio::io_context& io, sys::UniqueFd fd);
  // The same for a socket that may not have been opened: no socket, no channel (nullptr).
  static Result<std::unique_ptr<Channel>> open_optional(asio::io_context& io, std::optional<sys::UniqueFd> fd);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  int subscribe(Listener listener);
  void unsubscribe(int id);

  // Sends one datagram now; returns the time just before the (successful) send for RTT accounting.
  // EAGAIN/ENOBUFS are retried a few times with a short back-off before they are reported.
  SendResult send(wire::ByteView bytes, const SockAddr& to);
  // A whole Ethernet frame out of ifindex to dst (packet sockets).
  SendResult send_frame(wire::ByteView frame, int ifindex, const wire::Mac& dst, std::uint16_t ethertype);

  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t send_retries() const { return send_retries_; }  // transient send errors backed off from
  int native() const { return fd_.get(); }
  // Stops watching and hands the socket over, to be closed elsewhere (sys::close_together).
  sys::UniqueFd take();

 private:
  Channel(asio::io_context& io, sys::UniqueFd fd, int watched);
  SendResult send_to(wire::ByteView bytes, const void* to, unsigned to_len);
  void arm();
  void drain();
  bool read_one(bool error_queue);  // false when nothing more is queued

  sys::UniqueFd fd_;
  asio::posix::stream_descriptor desc_;
  std::map<int, Listener> listeners_;
  int next_id_ = 1;
  bool reading_ = false;
  std::uint64_t rejected_ = 0;
  std::uint64_t send_retries_ = 0;
  std::chrono::steady_clock::time_point last_exhausted_{};  // the last send that failed after every try
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace vpcprobe::net
