#include "vpcprobe/diag/check.hpp"

#include <algorithm>

#include "vpcprobe/diag/neigh_audit.hpp"

namespace vpcprobe::diag {

std::optional<double> path_rtt_ms(const model::PathResult& p) {
  if (auto r = model::path_rtt(p)) return r->ms;
  return std::nullopt;
}

void conclude_check(model::CheckReport& r) {
  std::vector<model::Status> parts;
  for (const auto& t : r.targets) parts.push_back(t.diagnosis.verdict.status);
  for (auto& a : r.audits) {
    a.report.counts = count(a.report);
    a.report.status = a.finished ? std::max(neigh_status(a.report.counts),
                                            a.report.health ? a.report.health->status : model::Status::ok)
                                 : model::Status::unknown;
    parts.push_back(a.report.status);
  }
  r.rtt_checks.clear();
  for (const auto& t : r.targets) {
    auto rtt = path_rtt_ms(t.diagnosis.private_path);
    if (!rtt) continue;
    model::RttCheck c{t.name, *rtt, model::Status::ok};
    if (r.thresholds.crit && r.thresholds.crit->alerts(*rtt)) c.status = model::Status::failing;
    else if (r.thresholds.warn && r.thresholds.warn->alerts(*rtt)) c.status = model::Status::degraded;
    parts.push_back(c.status);
    r.rtt_checks.push_back(c);
  }
  r.status = model::aggregate_status(parts);
}

}  // namespace vpcprobe::diag
