#pragma once
// The application check of one path as an async operation: a real connection (a normal
// connect(), no privilege), the protocol's first exchange, and what answered. Bounded: every read
// stops at `read_limit` bytes and everything ends at `deadline`.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "vpcprobe/model/app.hpp"
#include "vpcprobe/probe/operation.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::probe {

struct AppCheckSpec {
  wire::IpAddr dst;
  std::uint16_t port = 0;
  model::AppSpec app;
  std::string host;        // as typed: the HTTP Host header, the TLS name when no --sni is given
  std::string user_agent = "vpcprobe";
  std::chrono::steady_clock::time_point deadline;
  // The SYN's round trip: a deadline that leaves the exchange less than a few of them says
  // nothing about the service (interrupted, out_of_time), it only says --timeout was short.
  double syn_rtt_ms = 0;
  std::size_t read_limit = 64 * 1024;       // a plain answer
  std::size_t tls_read_limit = 256 * 1024;  // a TLS handshake (certificate chains)
};

OperationPtr async_app_check(asio::io_context& io, const AppCheckSpec& spec, std::function<void(model::AppResult)> done);

// The check as the diagnosis runs it: a failure that came fast (a reset, a close, another
// protocol, a refused handshake) is tried again, up to `most` connections in all while the deadline
// leaves a few round trips, so a fault of one backend in several (or a limit reached now and then)
// is told from a consistent one. An answer is never tried again.
struct AppTries {
  model::AppResult result;                // the first failure, else the answer
  int tries = 0, answered = 0;
  std::optional<model::AppResult> answer; // with a failure: a connection that answered
};
OperationPtr async_app_tries(asio::io_context& io, const AppCheckSpec& spec, int most, std::function<void(AppTries)> done);

}  // namespace vpcprobe::probe
