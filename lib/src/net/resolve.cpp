#include "vpcprobe/net/resolve.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "vpcprobe/net/inet.hpp"

namespace vpcprobe::net {

namespace {

// One family's first usable address (an IPv6 link-local one is no use without its interface, and
// a name cannot carry one), with how long the resolver took and what it said.
struct FamilyAnswer {
  std::optional<wire::IpAddr> addr;
  int rc = 0;
  double ms = 0;
};
FamilyAnswer lookup_family(const std::string& name, wire::Family family) {
  addrinfo hints{};
  hints.ai_family = Inet::of(family).af;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  FamilyAnswer out;
  auto t0 = std::chrono::steady_clock::now();
  out.rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res);
  out.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  for (auto* ai = res; out.rc == 0 && ai && !out.addr; ai = ai->ai_next)
    if (auto a = address_of(ai->ai_addr, ai->ai_addrlen); a && a->family() == family)
      if (!(a->is_v6() && (a->v6().is_link_local() || a->v6().is_v4_mapped()))) out.addr = a;
  if (res) freeaddrinfo(res);
  return out;
}

// A value computed on a thread of its own, so a resolver that hangs cannot hang us: waited for
// until a moment, or to the end; a thread not waited for is left to finish on its own.
template <class T>
struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<T> value;
  void set(T v) {
    std::lock_guard lock(mu);
    value = std::move(v);
    cv.notify_all();
  }
  std::optional<T> until(std::chrono::steady_clock::time_point t) {
    std::unique_lock lock(mu);
    cv.wait_until(lock, t, [&] { return value.has_value(); });
    return value;
  }
  T wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return value.has_value(); });
    return *value;
  }
};
template <class T, class F>
std::shared_ptr<Slot<T>> on_thread(F compute) {
  auto slot = std::make_shared<Slot<T>>();
  std::thread([slot, compute] { slot->set(compute()); }).detach();
  return slot;
}

std::expected<Resolved, ResolveError> lookup(const std::string& name, FamilyPolicy families) {
  // IPv4 first when the name has both and both are spoken (the resolver's own order would put
  // IPv6 first, RFC 6724); the other family is named in the header when it answers within as long
  // again as the first took (5 to 100 ms): a resolver that drops AAAA queries costs that, no more.
  const auto first = families.v4 ? wire::Family::v4 : wire::Family::v6;
  const auto second = first == wire::Family::v4 ? wire::Family::v6 : wire::Family::v4;
  // The other family is asked at once, on its own thread; to the end only when the first has none.
  auto side = on_thread<FamilyAnswer>([name, second] { return lookup_family(name, second); });
  auto a = lookup_family(name, first);
  const bool second_allowed = families.speaks(second);
  if (a.addr) {
    Resolved r{*a.addr, true, a.ms, std::nullopt};
    const auto grace = std::clamp(std::chrono::milliseconds(static_cast<long>(a.ms)), std::chrono::milliseconds(5),
                                  std::chrono::milliseconds(100));
    if (auto b = side->until(std::chrono::steady_clock::now() + grace)) r.other_family = b->addr;
    return r;
  }
  // No address in the first family: the second one decides (when it is spoken), or says what the
  // name has instead (when -4/-6 excluded it).
  auto b = side->wait();
  if (b.addr && second_allowed) return Resolved{*b.addr, true, a.ms + b.ms, std::nullopt};
  model::DnsFailure f{model::DnsFailure::Kind::not_found,
                      b.addr ? fmt::format("it has only {} {} ({})", wire::family_name(b.addr->family()), b.addr->to_string(),
                                           b.addr->is_v4() ? "drop -6" : "drop -4")
                             : a.rc != 0 ? gai_strerror(a.rc) : b.rc != 0 ? gai_strerror(b.rc) : "no address"};
  return std::unexpected(ResolveError{
      Error{Errc::not_found, fmt::format("'{}' does not resolve to an {} address: {}", name,
                                         families.v6 && !families.v4 ? "IPv6" : families.v4 && !families.v6 ? "IPv4" : "IP", f.detail)},
      f});
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
  std::shared_ptr<Slot<std::expected<Resolved, ResolveError>>> slot;
};

PendingResolve::PendingResolve(const model::Endpoint& e, std::chrono::steady_clock::time_point deadline, FamilyPolicy families)
    : state_(std::make_shared<State>()), name_(e.host), deadline_(deadline) {
  if (!e.is_name()) {  // no lookup needed: answer now
    state_->slot = std::make_shared<Slot<std::expected<Resolved, ResolveError>>>();
    state_->slot->set(resolve(e, families));
    return;
  }
  state_->slot = on_thread<std::expected<Resolved, ResolveError>>([e, families] { return resolve(e, families); });
}

std::expected<Resolved, ResolveError> PendingResolve::get() {
  if (auto r = state_->slot->until(deadline_)) return *r;
  model::DnsFailure f{model::DnsFailure::Kind::timeout, "the resolver did not answer"};
  return std::unexpected(
      ResolveError{Error{Errc::not_found, fmt::format("'{}' did not resolve in time (the resolver did not answer)", name_)}, f});
}

}  // namespace vpcprobe::net
