#include "vpcprobe/diag/neigh_audit.hpp"

#include <algorithm>

#include "vpcprobe/diag/neighbor.hpp"

namespace vpcprobe::diag {

using model::NeighClass;
using model::Unverifiable;

std::optional<Unverifiable> unverifiable(const model::NeighEntry& e, const model::LinkInfo& link) {
  if (e.is_noarp()) return Unverifiable::noarp_entry;
  if (link.flags & model::iff::loopback) return Unverifiable::loopback;
  if (link.flags & model::iff::pointopoint) return Unverifiable::point_to_point;
  if ((link.flags & model::iff::noarp) || !link.is_ethernet()) return Unverifiable::link_without_arp;
  if (!e.mac || e.mac->is_zero()) return Unverifiable::no_mac;
  if (e.ip.is_v6()) {  // verified with Neighbor Discovery
    if (e.ip.is_multicast() || e.ip.is_unspecified() || e.ip.v6().is_v4_mapped()) return Unverifiable::not_unicast;
    return std::nullopt;
  }
  const auto ip = e.ip.v4();
  if (ip.is_multicast() || ip.is_broadcast() || ip.is_unspecified()) return Unverifiable::not_unicast;
  return std::nullopt;
}

void mark_unverifiable(std::vector<model::NeighAudit>& audits, const std::vector<model::LinkInfo>& links) {
  for (auto& a : audits) {
    auto link = std::find_if(links.begin(), links.end(), [&](const model::LinkInfo& l) { return l.ifindex == a.before.ifindex; });
    a.unverifiable = link == links.end() ? std::optional(Unverifiable::interface_gone) : unverifiable(a.before, *link);
  }
}

void classify(std::vector<model::NeighAudit>& audits) {
  for (auto& a : audits) {
    // Cut short before anybody answered: unchecked, not silent.
    if (!a.probe || (a.probe->interrupted && a.probe->replies.empty())) continue;
    a.finding = neigh_finding(a.before, *a.probe);
  }
}

void mark_relearned(std::vector<model::NeighAudit>& audits) {
  for (auto& a : audits) a.relearned = relearned_by_kernel(a);
}

void plan_fixes(std::vector<model::NeighAudit>& audits, model::FixMode mode, bool force) {
  for (auto& a : audits) a.fix = plan_fix(a, mode, force);
}

std::optional<model::NeighFix> plan_fix(const model::NeighAudit& a, model::FixMode mode, bool force) {
  if (a.finding != model::NeighFinding::stale || a.answering.size() != 1) return std::nullopt;
  // NDP: an answer without the Override flag (a proxy, an anycast address) must not replace a
  // different cached address (RFC 4861 7.2.5), so neither do we.
  if (a.probe) {
    bool ndp = false, overrides = false;
    for (const auto& r : a.probe->replies)
      if (r.mac == a.answering.front() && r.ndp) {
        ndp = true;
        overrides = overrides || r.ndp->override_flag;
      }
    if (ndp && !overrides) return std::nullopt;
  }
  model::NeighFix f;
  f.mode = mode;
  if (mode == model::FixMode::replace) f.new_mac = a.answering.front();
  if (!a.before.kernel_heals() || a.before.is_managed()) {
    f.skipped = !force;
    f.forced = force;
  }
  return f;
}

bool relearned_by_kernel(const model::NeighAudit& a) {
  return !(a.fix && a.fix->applied) && a.after && a.after->mac && a.before.mac && *a.after->mac != *a.before.mac &&
         std::find(a.answering.begin(), a.answering.end(), *a.after->mac) != a.answering.end();
}

model::NeighCounts count(const model::NeighReport& r) {
  model::NeighCounts c;
  for (const auto& a : r.entries) {
    const bool fixed = a.fix && a.fix->applied;
    switch (model::neigh_class(a)) {
      case NeighClass::ok: ++c.ok; break;
      case NeighClass::stale: fixed ? ++c.fixed : ++c.stale; break;
      case NeighClass::silent: ++c.silent; break;
      case NeighClass::conflict: ++c.conflict; break;
      case NeighClass::not_verifiable: ++c.not_verifiable; break;
      case NeighClass::unchecked: ++c.unchecked; break;
    }
    if (a.fix && a.fix->error) ++c.fix_failed;
    if (a.fix && a.fix->skipped) ++c.fix_skipped;
    if (a.kept_alive) ++c.kept_alive;
  }
  return c;
}

model::Status neigh_status(const model::NeighCounts& c) {
  if (c.stale > 0 || c.conflict > 0) return model::Status::failing;
  if (c.silent > 0) return model::Status::degraded;
  return model::Status::ok;
}

}  // namespace vpcprobe::diag
