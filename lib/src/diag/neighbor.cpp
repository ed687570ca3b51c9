#include "vpcprobe/diag/neighbor.hpp"

namespace vpcprobe::diag {

using model::NeighFinding;
using model::Status;

NeighFinding neigh_finding(const std::optional<model::NeighEntry>& before, const model::ArpProbeResult& probe) {
  auto macs = probe.answering_macs();
  if (macs.empty()) return NeighFinding::silent;
  if (macs.size() > 1) return NeighFinding::conflict;
  // Nothing usable cached: whoever answers is simply the answer.
  if (!before || !before->mac || before->mac->is_zero() || *before->mac == macs.front()) return NeighFinding::consistent;
  return NeighFinding::stale;
}

model::ArpVerdict arp_verdict(const model::ArpReport& r) {
  model::ArpVerdict v;
  const auto& probe = r.probe;
  auto macs = probe.answering_macs();
  if (r.before && r.before->mac && !r.before->mac->is_zero()) v.cached = r.before->mac;
  v.kernel_heals = !r.before || r.before->kernel_heals();
  if (r.before) v.owner = model::likely_owner(*r.before);
  v.finding = neigh_finding(r.before, probe);
  if (macs.size() == 1) v.answering = macs.front();
  switch (v.finding) {
    case NeighFinding::conflict:
    case NeighFinding::silent: v.status = Status::failing; break;
    case NeighFinding::stale:
      v.status = Status::failing;
      v.cached_silent = probe.unicast_sent > 0 && !probe.mac_answered(*v.cached);
      v.relearned = r.after && r.after->mac && *r.after->mac != *v.cached;
      break;
    case NeighFinding::consistent: v.status = Status::ok; break;
  }
  return v;
}

}  // namespace vpcprobe::diag
