#pragma once
// Turns what the user typed into an IPv4 address. Bad input (an impossible address, IPv6, a name
// no resolver could accept) is Errc::invalid_argument; a valid name that does not resolve is
// Errc::not_found.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::net {

struct Resolved {
  wire::Ipv4 addr;
  bool was_name = false;
  double resolve_ms = 0;
};

// Pure syntax check; no I/O.
Result<void> check_host_syntax(std::string_view text);
Result<Resolved> resolve_ipv4(const std::string& text);

// Starts resolving now, on a thread of its own, so several names resolve at once and a resolver
// that hangs cannot hang us: get() waits until the deadline, then reports a timeout (the thread is
// left to finish on its own).
class PendingResolve {
 public:
  PendingResolve(const std::string& text, std::chrono::steady_clock::time_point deadline);
  Result<Resolved> get();

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::string text_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace vpcprobe::net
