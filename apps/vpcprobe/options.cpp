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

Result<model::Endpoint> target_endpoint(const std::string& text, model::FamilyPolicy families) {
  auto e = model::parse_endpoint(text);
  if (!e) return e;
  if (auto ok = model::check_family(*e, families); !ok) return std::unexpected(ok.error());
  return e;
}

Result<std::string> interface_for(const model::Endpoint& e, const std::string& interface) {
  if (e.zone.empty()) return interface;
  if (!interface.empty() && interface != e.zone)
    return fail(Errc::invalid_argument, fmt::format("'{}' names interface {}, but -I says {}", e.text(), e.zone, interface));
  return e.zone;
}

void add_family_flags(CLI::App& cmd, FamilyFlags& f, bool entries) {
  auto* four = cmd.add_flag("-4", f.v4, entries ? "IPv4 (ARP) entries only" : "IPv4 only (a name's A record)");
  auto* six = cmd.add_flag("-6", f.v6, entries ? "IPv6 (NDP) entries only" : "IPv6 only (a name's AAAA record)");
  four->excludes(six);
}

std::chrono::milliseconds millis(double seconds) { return std::chrono::milliseconds(static_cast<long>(seconds * 1000)); }

void add_pcap_option(CLI::App& cmd, std::string& path) {
  cmd.add_option("--pcap", path,
                 "write this run's packets (with any other ARP and ICMP seen meanwhile) to a pcap file (needs CAP_NET_RAW)");
}

}  // namespace vpcprobe::app
