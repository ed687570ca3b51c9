#pragma once
// What `vpcprobe check` ran: named diagnoses and neighbor audits, under one deadline.
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/model/status.hpp"

namespace vpcprobe::model {

struct NamedDiagnosis {
  std::string name;
  Diagnosis diagnosis;
};

struct InterfaceAudit {
  std::string interface;  // empty: every interface
  bool health = true;     // the neighbor subsystem's health is judged too
  NeighReport report;
  bool finished = false;  // false when the deadline cut it short
};

// Nagios plugin range (https://nagios-plugins.org/doc/guidelines.html#THRESHOLDFORMAT):
// "10" alerts outside 0..10, "10:" below 10, "~:10" above 10, "10:20" outside, "@10:20" inside.
struct NagiosRange {
  double low = 0, high = 0;
  bool low_infinite = false, high_infinite = false, inside = false;
  std::string text;
  bool alerts(double value) const;
};
std::optional<NagiosRange> parse_nagios_range(const std::string& text);

// -w / -c: each target's RTT (TCP on the private path, else ICMP) against the ranges.
struct RttThresholds {
  std::optional<NagiosRange> warn, crit;
  bool any() const { return warn || crit; }
};
struct RttCheck {
  std::string target;
  double rtt_ms = 0;
  Status status = Status::ok;  // degraded beyond -w, failing beyond -c
};

struct CheckReport {
  std::vector<NamedDiagnosis> targets;
  std::vector<InterfaceAudit> audits;
  RttThresholds thresholds;
  std::vector<RttCheck> rtt_checks;  // one per target whose private path answered
  double duration_ms = 0;
  double deadline_s = 0;
  bool deadline_hit = false;
  std::string version;
  Status status = Status::unknown;  // every part and every RTT check together
};

// The run's status from its parts: failing beats unknown (a check that could not run is worse than
// a degraded one), unknown beats degraded, degraded beats ok.
Status aggregate_status(const std::vector<Status>& parts);

}  // namespace vpcprobe::model
