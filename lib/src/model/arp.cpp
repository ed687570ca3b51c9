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

std::string arp_finding_name(ArpFinding f) {
  switch (f) {
    case ArpFinding::consistent: return "consistent";
    case ArpFinding::stale_entry: return "stale_entry";
    case ArpFinding::silent: return "silent";
    case ArpFinding::conflict: return "conflict";
  }
  return "unknown";
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
