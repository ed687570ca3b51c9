#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/model/neigh_audit.hpp"

#include <algorithm>
#include <set>

namespace vpcprobe::model {

std::vector<wire::Mac> ArpProbeResult::answering_macs() const {
  std::vector<wire::Mac> out;
  for (const auto& r : replies)
    if (std::find(out.begin(), out.end(), r.mac) == out.end()) out.push_back(r.mac);
  return out;
}

int ArpProbeResult::answered_rounds() const {
  std::set<int> rounds_seen;
  for (const auto& r : replies) rounds_seen.insert(r.round);
  return static_cast<int>(rounds_seen.size());
}

bool ArpProbeResult::mac_answered(const wire::Mac& m) const {
  return std::any_of(replies.begin(), replies.end(), [&](const ArpReply& r) { return r.mac == m; });
}

std::string neigh_finding_name(NeighFinding f) {
  switch (f) {
    case NeighFinding::consistent: return "consistent";
    case NeighFinding::stale: return "stale";
    case NeighFinding::silent: return "silent";
    case NeighFinding::conflict: return "conflict";
  }
  return "silent";
}

NeighClass neigh_class(const NeighAudit& a) {
  if (a.unverifiable) return NeighClass::not_verifiable;
  if (!a.finding) return NeighClass::unchecked;
  switch (*a.finding) {
    case NeighFinding::consistent: return NeighClass::ok;
    case NeighFinding::stale: return NeighClass::stale;
    case NeighFinding::silent: return NeighClass::silent;
    case NeighFinding::conflict: return NeighClass::conflict;
  }
  return NeighClass::unchecked;
}

void NeighWatchSummary::add(const NeighReport& r) {
  ++rounds;
  stale += r.counts.stale;
  conflict += r.counts.conflict;
  silent += r.counts.silent;
  fixed += r.counts.fixed;
  last = r.status;
}

std::string neigh_class_name(NeighClass c) {
  switch (c) {
    case NeighClass::ok: return "ok";
    case NeighClass::stale: return "stale";
    case NeighClass::silent: return "silent";
    case NeighClass::conflict: return "conflict";
    case NeighClass::not_verifiable: return "not_verifiable";
    case NeighClass::unchecked: return "unchecked";
  }
  return "unchecked";
}

}  // namespace vpcprobe::model
