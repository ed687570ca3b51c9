#pragma once
// One datagram socket (AF_PACKET, raw IP or ping socket) on the shared io_context. Asio tells us
// when the socket is readable; we read with recvmsg() ourselves so the kernel's receive timestamp
// (SO_TIMESTAMPNS) and the link-layer address come along. Every datagram is offered to every
// listener; one that no listener claims is counted as rejected.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/sys/fd.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

struct sockaddr;

namespace vpcprobe::net {

using Clock = std::chrono::system_clock;  // SO_TIMESTAMPNS stamps are CLOCK_REALTIME

// An error the kernel queued for this socket (IP_RECVERR), e.g. an ICMP error answering a ping
// socket's echo or a connect().
struct ExtendedError {
  int err = 0;               // errno the kernel derived
  std::uint8_t origin = 0;   // SO_EE_ORIGIN_*: 2 = ICMP, 1 = local
  std::uint8_t type = 0, code = 0;
  std::uint32_t info = 0;    // next-hop MTU for frag-needed
  std::optional<wire::Ipv4> offender;
};

struct Received {
  wire::ByteView bytes;
  Clock::time_point kernel_time;  // when the kernel received it, or when we read it if unstamped
  int ifindex = 0;                // AF_PACKET: receiving interface
  bool outgoing = false;          // AF_PACKET: a copy of a frame this host sent
  bool other_host = false;        // AF_PACKET: addressed to another host's MAC
  bool vlan_tagged = false;       // AF_PACKET: arrived with an 802.1Q tag the NIC stripped
  std::optional<wire::Ipv4> from; // AF_INET: source address
  std::optional<std::uint8_t> ttl;  // IP_RECVTTL
  std::optional<ExtendedError> queued_error;  // set when read from the error queue
};

class Channel {
 public:
  using Listener = std::function<bool(const Received&)>;  // true: the datagram was ours

  Channel(asio::io_context& io, sys::UniqueFd fd);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  int subscribe(Listener listener);
  void unsubscribe(int id);

  // Sends one datagram now; returns the time just before the (successful) send for RTT accounting.
  // EAGAIN/ENOBUFS are retried a few times with a short back-off before they are reported.
  Result<Clock::time_point> send(wire::ByteView bytes, const sockaddr* to, unsigned to_len);

  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t send_retries() const { return send_retries_; }  // transient send errors backed off from
  int native() const { return fd_.get(); }

 private:
  void arm();
  void drain();
  bool read_one(bool error_queue);  // false when nothing more is queued

  sys::UniqueFd fd_;
  asio::posix::stream_descriptor desc_;
  std::map<int, Listener> listeners_;
  int next_id_ = 1;
  bool reading_ = false;
  std::uint64_t rejected_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t send_retries_ = 0;
};

}  // namespace vpcprobe::net
