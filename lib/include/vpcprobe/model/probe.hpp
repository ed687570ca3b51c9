#pragma once
// Results of ICMP echo and TCP probes: one closed vocabulary of outcomes per probe kind. Plain
// data; render/ puts it into words.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::model {

enum class ProbeMethod {
  raw = 1,      // raw socket, needs CAP_NET_RAW
  ping_socket,  // unprivileged ICMP datagram socket (net.ipv4.ping_group_range)
  connect,      // unprivileged TCP connect()
};
std::string method_name(ProbeMethod m);  // "raw", "ping-socket", "connect"

// A probe that could not be sent: the errno of the last try, and how often it was tried
// (transient errors such as ENOBUFS are retried with a short back-off).
struct SendError {
  int err = 0;
  int tries = 1;
  bool operator==(const SendError&) const = default;
};

// An ICMP error that answered one of our probes (validated against what we sent).
struct IcmpErrorInfo {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t mtu = 0;   // next-hop MTU of a frag-needed error
  wire::IpAddr from;       // the router (or host) that sent it; its family is the ICMP version
  bool operator==(const IcmpErrorInfo&) const = default;
};

enum class EchoOutcome { reply = 1, icmp_error, timeout, send_error, interrupted };
std::string echo_outcome_name(EchoOutcome o);

struct EchoResult {
  int seq = 0;  // 1-based, as ping shows it
  EchoOutcome outcome = EchoOutcome::timeout;
  double rtt_ms = 0;                 // reply or error: kernel receive time - our send time
  std::optional<std::uint8_t> ttl;   // of the reply, when the socket tells it
  std::size_t bytes = 0;             // ICMP bytes of the reply
  std::optional<IcmpErrorInfo> error;
  std::optional<SendError> send_error;
};

enum class TcpState { open = 1, closed, rejected, filtered, error, interrupted };
std::string tcp_state_name(TcpState s);

// What the answer (or the failure) of a TCP probe was, beyond its state.
enum class TcpSignal {
  syn_ack = 1,      // raw: SYN-ACK acking our ISN
  rst,              // raw: RST acking our ISN
  connected,        // connect(): the handshake completed
  refused,          // connect(): ECONNREFUSED
  icmp_error,       // an ICMP error quoting our SYN (see error)
  errno_reject,     // connect(): an ICMP-derived errno without a queued error (see err)
  no_answer,        // nothing within the timeout
  connect_timeout,  // connect(): nothing within the timeout
  send_failed,      // the SYN could not be sent (see err, tries)
  socket_failed,    // connect(): no socket (see err)
  bind_failed,      // connect(): SO_BINDTODEVICE failed (see err)
  other_error,      // connect(): another errno (see err)
  interrupted,
};

struct TcpResult {
  std::uint16_t port = 0;
  int attempt = 1;
  TcpState state = TcpState::filtered;
  TcpSignal signal = TcpSignal::no_answer;
  double rtt_ms = 0;
  std::optional<IcmpErrorInfo> error;  // rejected by an ICMP error
  int err = 0;                         // errno behind errno_reject, send_failed, socket_failed, ...
  int tries = 0;                       // send_failed: how often the SYN was tried
};

}  // namespace vpcprobe::model
