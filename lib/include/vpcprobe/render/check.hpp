#pragma once
// Outputs of `vpcprobe check`: text, JSON (schema vpcprobe.check/1), JSON Lines (one record per
// target and per audit, then a summary), Prometheus text exposition, and a Nagios plugin line.
#include <optional>
#include <string>

#include "vpcprobe/model/check.hpp"

namespace vpcprobe::render {

std::string check_text(const model::CheckReport& r);
std::string check_json(const model::CheckReport& r);
std::string check_jsonl(const model::CheckReport& r);
std::string check_prometheus(const model::CheckReport& r);

// Nagios plugin range (https://nagios-plugins.org/doc/guidelines.html#THRESHOLDFORMAT):
// "10" alerts outside 0..10, "10:" below 10, "~:10" above 10, "10:20" outside, "@10:20" inside.
struct NagiosRange {
  double low = 0, high = 0;
  bool low_infinite = false, high_infinite = false, inside = false;
  std::string text;
  bool alerts(double value) const;
};
std::optional<NagiosRange> parse_nagios_range(const std::string& text);

struct NagiosResult {
  std::string line;  // "VPCPROBE CRITICAL - ... | perfdata"
  model::Status status;
};
// -w / -c apply to each target's RTT in milliseconds (TCP on the private path, else ICMP).
NagiosResult check_nagios(const model::CheckReport& r, const std::optional<NagiosRange>& warn,
                          const std::optional<NagiosRange>& crit);

// Machine-readable errors for the machine formats (the exit code stays 3).
std::string check_error(const std::string& format, const std::string& message);

}  // namespace vpcprobe::render
