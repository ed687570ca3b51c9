#pragma once
// Per-socket IP options, checked: a failure is an error naming the option, never a silently
// different measurement (a DF probe that the kernel may fragment would make the MTU verdicts lie).
#include <cstdint>
#include <string>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::sys {

struct SocketOptions {
  int ttl = 0;                  // 0: the system default
  bool dont_fragment = false;   // DF set and the cached path MTU ignored (IP_PMTUDISC_PROBE)
  std::string bind_device;      // SO_BINDTODEVICE when not empty
  bool error_queue = false;     // IP_RECVERR: ICMP errors for what we sent arrive on the error queue
  bool hop_limit = true;        // IP_RECVTTL: the TTL of what we receive comes along
};

Result<void> apply_socket_options(int fd, wire::Family family, const SocketOptions& o);

// Binds a datagram socket to a local port; Errc::not_found when the port is taken. A ping
// socket's port is its echo identifier.
Result<void> bind_local_port(int fd, wire::Family family, std::uint16_t port);

}  // namespace vpcprobe::sys
