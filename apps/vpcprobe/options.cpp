#include "options.hpp"

#include <cmath>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace vpcprobe::app {

Result<void> check_count(const char* name, long value, long max) {
  if (value < 1 || value > max) return fail(Errc::invalid_argument, fmt::format("{} must be between 1 and {}, got {}", name, max, value));
  return {};
}

Result<void> check_seconds(const char* name, double value, double min, double max) {
  if (!std::isfinite(value) || value < min || value > max)
    return fail(Errc::invalid_argument, fmt::format("{} must be between {} and {} seconds, got {}", name, min, max, value));
  return {};
}

Result<void> check_interface(const std::string& name) {
  if (name.size() > 15) return fail(Errc::invalid_argument, fmt::format("interface name '{}' is longer than 15 characters", name));
  for (char c : name)
    if (c == '/' || c == ' ' || c == ':' || static_cast<unsigned char>(c) < 0x21)
      return fail(Errc::invalid_argument, fmt::format("'{}' is not a valid interface name", name));
  return {};
}

Result<model::Endpoint> target_endpoint(const std::string& text) {
  auto e = model::parse_endpoint(text);
  if (!e) return e;
  if (auto ok = model::check_family(*e); !ok) return std::unexpected(ok.error());
  return e;
}

std::chrono::milliseconds millis(double seconds) { return std::chrono::milliseconds(static_cast<long>(seconds * 1000)); }

void add_pcap_option(CLI::App& cmd, std::string& path) {
  cmd.add_option("--pcap", path,
                 "write this run's packets (with any other ARP and ICMP seen meanwhile) to a pcap file (needs CAP_NET_RAW)");
}

}  // namespace vpcprobe::app
