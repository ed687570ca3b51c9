#include "vpcprobe/model/probe.hpp"

namespace vpcprobe::model {

std::string method_name(ProbeMethod m) {
  switch (m) {
    case ProbeMethod::raw: return "raw";
    case ProbeMethod::ping_socket: return "ping-socket";
    case ProbeMethod::connect: return "connect";
  }
  return "unknown";
}

std::string echo_outcome_name(EchoOutcome o) {
  switch (o) {
    case EchoOutcome::reply: return "reply";
    case EchoOutcome::icmp_error: return "icmp_error";
    case EchoOutcome::timeout: return "timeout";
    case EchoOutcome::send_error: return "send_error";
    case EchoOutcome::interrupted: return "interrupted";
  }
  return "unknown";
}

std::string tcp_state_name(TcpState s) {
  switch (s) {
    case TcpState::open: return "open";
    case TcpState::closed: return "closed";
    case TcpState::rejected: return "rejected";
    case TcpState::filtered: return "filtered";
    case TcpState::error: return "error";
    case TcpState::interrupted: return "interrupted";
  }
  return "unknown";
}

}  // namespace vpcprobe::model
