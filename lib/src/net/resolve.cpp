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
  hints.ai_family = families.v4 && families.v6 ? AF_UNSPEC : Inet::of(families.v4 ? wire::Family::v4 : wire::Family::v6).af;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  auto t0 = std::chrono::steady_clock::now();
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::optional<wire::IpAddr> addr;
  for (auto* ai = res; rc == 0 && ai && !addr; ai = ai->ai_next) addr = address_of(ai->ai_addr, ai->ai_addrlen);
  if (res) freeaddrinfo(res);
  if (!addr) {
    model::DnsFailure f{model::DnsFailure::Kind::not_found, rc != 0 ? gai_strerror(rc) : "no address"};
    return std::unexpected(ResolveError{
        Error{Errc::not_found, fmt::format("'{}' does not resolve to an {} address: {}", name,
                                           families.v6 && !families.v4 ? "IPv6" : "IPv4", f.detail)},
        f});
  }
  return Resolved{*addr, true, ms};
}

}  // namespace

std::expected<Resolved, ResolveError> resolve(const model::Endpoint& e, FamilyPolicy families) {
  if (auto ok = model::check_family(e, families); !ok) return std::unexpected(ResolveError{ok.error(), std::nullopt});
  if (e.literal) return Resolved{*e.literal, false, 0};
  return lookup(e.host, families);
}

Result<model::TargetInfo> resolve_target(const model::Endpoint& e, FamilyPolicy families) {
  auto r = resolve(e, families);
  if (!r) {
    auto err = r.error().error;
    if (err.code == Errc::not_found) err.code = Errc::unreachable;
    return std::unexpected(err);
  }
  return model::TargetInfo{e.host, r->addr, r->was_name, r->resolve_ms};
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
