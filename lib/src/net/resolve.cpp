#include "vpcprobe/net/resolve.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

namespace vpcprobe::net {

Result<void> check_host_syntax(std::string_view text) {
  if (text.empty()) return fail(Errc::invalid_argument, "empty host name");
  if (text.size() > 253) return fail(Errc::invalid_argument, fmt::format("host name is {} characters; DNS allows 253", text.size()));
  if (text.find(':') != std::string_view::npos)
    return fail(Errc::invalid_argument, fmt::format("'{}' looks like IPv6; vpcprobe checks IPv4 paths", text));
  if (wire::looks_numeric_ipv4(text)) {
    if (!wire::Ipv4::parse(text)) return fail(Errc::invalid_argument, fmt::format("'{}' is not a valid IPv4 address", text));
    return {};
  }
  std::size_t label = 0;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) return fail(Errc::invalid_argument, fmt::format("host name contains '{}'; only letters, digits, '-', '_' and '.' are allowed (IDN names: give the xn-- form)", c));
    label = (c == '.') ? 0 : label + 1;
    if (label > 63) return fail(Errc::invalid_argument, "a label of the host name is longer than 63 characters");
  }
  return {};
}

Result<Resolved> resolve_ipv4(const std::string& text) {
  if (auto ok = check_host_syntax(text); !ok) return std::unexpected(ok.error());
  if (auto ip = wire::Ipv4::parse(text)) return Resolved{*ip, false, 0};
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  auto t0 = std::chrono::steady_clock::now();
  int rc = ::getaddrinfo(text.c_str(), nullptr, &hints, &res);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (rc != 0 || !res) {
    if (res) freeaddrinfo(res);
    return fail(Errc::not_found, fmt::format("'{}' does not resolve to an IPv4 address: {}", text, gai_strerror(rc)));
  }
  auto* in = reinterpret_cast<sockaddr_in*>(res->ai_addr);
  Resolved r{wire::Ipv4{ntohl(in->sin_addr.s_addr)}, true, ms};
  freeaddrinfo(res);
  return r;
}

struct PendingResolve::State {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<Resolved>> result;
};

PendingResolve::PendingResolve(const std::string& text, std::chrono::steady_clock::time_point deadline)
    : state_(std::make_shared<State>()), text_(text), deadline_(deadline) {
  if (auto syntax = check_host_syntax(text); !syntax || wire::Ipv4::parse(text)) {
    state_->result = resolve_ipv4(text);  // no lookup needed: answer now
    return;
  }
  std::thread([state = state_, text] {
    auto r = resolve_ipv4(text);
    std::lock_guard lock(state->mu);
    state->result = std::move(r);
    state->cv.notify_all();
  }).detach();
}

Result<Resolved> PendingResolve::get() {
  std::unique_lock lock(state_->mu);
  if (!state_->cv.wait_until(lock, deadline_, [&] { return state_->result.has_value(); }))
    return fail(Errc::not_found, fmt::format("'{}' did not resolve in time (the resolver did not answer)", text_));
  return *state_->result;
}

}  // namespace vpcprobe::net
