#pragma once
// Turns a parsed endpoint into an address. A literal needs no lookup; a name is resolved with the
// system resolver (getaddrinfo: /etc/hosts, DNS). Which families a run accepts is decided here, in
// one place: both families by default (IPv4 first when a name has both), one with -4/-6.
//
// Errors: a literal of a family this run does not do is Errc::invalid_argument (bad input, exit 3);
// a valid name that does not resolve (or not in time) is Errc::not_found, with a DnsFailure.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/model/endpoint.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::net {

struct Resolved {
  wire::IpAddr addr;
  bool was_name = false;
  double resolve_ms = 0;
  std::optional<wire::IpAddr> other_family;  // the name's first address of the other family
};

using model::FamilyPolicy;

// A resolution that failed: the error line, and (for names) what the resolver said.
struct ResolveError {
  Error error;
  std::optional<model::DnsFailure> dns;
};

std::expected<Resolved, ResolveError> resolve(const model::Endpoint& e, FamilyPolicy families = {});


// For the single-target commands: the target as a report names it. A name that does not resolve
// is Errc::unreachable (the target cannot be tried: exit 2), bad input Errc::invalid_argument.
Result<model::TargetInfo> resolve_target(const model::Endpoint& e, FamilyPolicy families = {});

// Starts resolving now, on a thread of its own, so several names resolve at once and a resolver
// that hangs cannot hang us: get() waits until the deadline, then reports a timeout (the thread is
// left to finish on its own).
class PendingResolve {
 public:
  PendingResolve(const model::Endpoint& e, std::chrono::steady_clock::time_point deadline, FamilyPolicy families = {});
  std::expected<Resolved, ResolveError> get();

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::string name_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace vpcprobe::net
