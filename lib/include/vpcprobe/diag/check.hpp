#pragma once
// `vpcprobe check`: the status of each audit and of the whole run, and the RTT thresholds (-w/-c).
#include "vpcprobe/model/check.hpp"

namespace vpcprobe::diag {

// The private path's answering RTT: the open TCP port's, else the echo reply's.
std::optional<double> path_rtt_ms(const model::PathResult& p);

// Counts and statuses of the audits, the RTT checks against report.thresholds, and the run's
// status: the worst of every target, audit and RTT check.
void conclude_check(model::CheckReport& report);

}  // namespace vpcprobe::diag
