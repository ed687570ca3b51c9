#pragma once
// Option checks and options every probing command shares, worded the same everywhere.
#include <chrono>
#include <string>

#include "vpcprobe/model/endpoint.hpp"
#include "vpcprobe/model/result.hpp"

namespace CLI {
class App;
}

namespace vpcprobe::app {

Result<void> check_count(const char* name, long value, long max);
Result<void> check_seconds(const char* name, double value, double min, double max);
Result<void> check_interface(const std::string& name);
// Runs the checks in order; the first that fails is the answer.
template <class... Checks>
Result<void> first_failure(const Checks&... checks) {
  Result<void> first;
  ((first = first ? checks : first), ...);
  return first;
}

// A parse result as a check: fine, or its error.
template <class T>
Result<void> parses(const Result<T>& r) {
  if (!r) return std::unexpected(r.error());
  return {};
}

// What the user typed as a target: parsed once, and of a family this run speaks.
Result<model::Endpoint> target_endpoint(const std::string& text);

std::chrono::milliseconds millis(double seconds);

// --pcap FILE, on every probing command.
void add_pcap_option(CLI::App& cmd, std::string& path);

}  // namespace vpcprobe::app
