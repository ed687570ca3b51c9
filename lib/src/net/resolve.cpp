#include "vpcprobe/net/resolve.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "vpcprobe/net/inet.hpp"

namespace vpcprobe::net {

namespace {

std::expected<Resolved, ResolveError> lookup(const std::string& name, FamilyPolicy families) {
  addrinfo hints{};
  // Both families are always asked for: the one not probed is still named in the header.
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  auto t0 = std::chrono::steady_clock::now();
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  // IPv4 first when the name has both (the resolver's own order puts IPv6 first, RFC 6724): the
  // same path a plain `ping NAME` of old took; -6 asks for the other.
  std::optional<wire::IpAddr> v4, v6;
  for (auto* ai = res; rc == 0 && ai; ai = ai->ai_next)
    if (auto a = address_of(ai->ai_addr, ai->ai_addrlen)) {
      if (a->is_v4() && !v4) v4 = a;
      if (a->is_v6() && !v6 && !a->v6().is_v4_mapped()) v6 = a;
    }
  if (res) freeaddrinfo(res);
  std::optional<wire::IpAddr> addr = v4 && families.v4 ? v4 : v6 && families.v6 ? v6 : std::nullopt;
  if (!addr) {
    // The name exists, only not in the family asked for: say which it has and how to get it.
    const auto* other = v4 ? &*v4 : v6 ? &*v6 : nullptr;
    model::DnsFailure f{model::DnsFailure::Kind::not_found,
                        other ? fmt::format("it has only {} {} ({})", other->is_v4() ? "IPv4" : "IPv6", other->to_string(),
                                            other->is_v4() ? "drop -6" : "drop -4")
                              : rc != 0 ? gai_strerror(rc) : "no address"};
    return std::unexpected(ResolveError{
        Error{Errc::not_found, fmt::format("'{}' does not resolve to an {} address: {}", name,
                                           families.v6 && !families.v4 ? "IPv6" : families.v4 && !families.v6 ? "IPv4" : "IP", f.detail)},
        f});
  }
  Resolved r{*addr, true, ms, std::nullopt};
  if (addr->is_v4() && v6) r.other_family = v6;
  if (addr->is_v6() && v4) r.other_family = v4;
  return r;
}

}  // namespace

std::expected<Resolved, ResolveError> resolve(const model::Endpoint& e, FamilyPolicy families) {
  if (auto ok = model::check_family(e, families); !ok) return std::unexpected(ResolveError{ok.error(), std::nullopt});
  if (e.literal) return Resolved{*e.literal, false, 0, std::nullopt};
  return lookup(e.host, families);
}

Result<model::TargetInfo> resolve_target(const model::Endpoint& e, FamilyPolicy families) {
  auto r = resolve(e, families);
  if (!r) {
    auto err = r.error().error;
    if (err.code == Errc::not_found) err.code = Errc::unreachable;
    return std::unexpected(err);
  }
  return model::TargetInfo{e.host, r->addr, r->was_name, r->resolve_ms, r->other_family, e.zone};
}

struct PendingResolve::State {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<std::expected<Resolved, ResolveError>> result;
};

PendingResolve::PendingResolve(const model::Endpoint& e, std::chrono::steady_clock::time_point deadline, FamilyPolicy families)
    : state_(std::make_shared<State>()), name_(e.host), deadline_(deadline) {
  if (!e.is_name()) {
    state_->result = resolve(e, families);  // no lookup needed: answer now
    return;
  }
  std::thread([state = state_, e, families] {
    auto r = resolve(e, families);
    std::lock_guard lock(state->mu);
    state->result = std::move(r);
    state->cv.notify_all();
  }).detach();
}

std::expected<Resolved, ResolveError> PendingResolve::get() {
  std::unique_lock lock(state_->mu);
  if (!state_->cv.wait_until(lock, deadline_, [&] { return state_->result.has_value(); })) {
    model::DnsFailure f{model::DnsFailure::Kind::timeout, "the resolver did not answer"};
    return std::unexpected(
        ResolveError{Error{Errc::not_found, fmt::format("'{}' did not resolve in time (the resolver did not answer)", name_)}, f});
  }
  return *state_->result;
}

}  // namespace vpcprobe::net
