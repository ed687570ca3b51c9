#pragma once
// What `vpcprobe check` ran: named diagnoses and neighbor audits, under one deadline.
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
  NeighReport report;
  bool finished = false;  // false when the deadline cut it short
};

struct CheckReport {
  std::vector<NamedDiagnosis> targets;
  std::vector<InterfaceAudit> audits;
  double duration_ms = 0;
  double deadline_s = 0;
  bool deadline_hit = false;
  std::string version;
  Status status = Status::unknown;
};

// The run's status from its parts: failing beats unknown (a check that could not run is worse than
// a degraded one), unknown beats degraded, degraded beats ok.
Status aggregate_status(const std::vector<Status>& parts);

}  // namespace vpcprobe::model
