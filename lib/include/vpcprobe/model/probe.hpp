#pragma once
// Results of ICMP echo and TCP probes: one closed vocabulary of outcomes per probe kind.
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

// An ICMP error that answered one of our probes (validated against what we sent).
struct IcmpErrorInfo {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t mtu = 0;   // next-hop MTU of a frag-needed error
  wire::Ipv4 from;         // the router (or host) that sent it
  std::string meaning;     // "host unreachable", "communication administratively prohibited"
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
  std::string send_error;
};

enum class TcpState { open = 1, closed, rejected, filtered, error, interrupted };
std::string tcp_state_name(TcpState s);

struct TcpResult {
  std::uint16_t port = 0;
  int attempt = 1;
  TcpState state = TcpState::filtered;
  double rtt_ms = 0;
  std::optional<IcmpErrorInfo> error;  // rejected by an ICMP error
  std::string detail;                  // "SYN-ACK", "RST", errno text, send error
};

}  // namespace vpcprobe::model
