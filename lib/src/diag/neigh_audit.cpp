#include "vpcprobe/diag/neigh_audit.hpp"

#include <fmt/format.h>

#include "vpcprobe/diag/arp_verdict.hpp"

namespace vpcprobe::diag {

using model::NeighClass;

std::optional<std::string> not_verifiable_reason(const model::NeighEntry& e, const model::LinkInfo& link) {
  if (e.is_noarp()) return "NOARP entry (no ARP on this address)";
  if (link.flags & model::iff::loopback) return "loopback interface";
  if (link.flags & model::iff::pointopoint) return "point-to-point interface";
  if ((link.flags & model::iff::noarp) || !link.is_ethernet()) return "interface without ARP";
  if (!e.mac || e.mac->is_zero()) return fmt::format("no MAC cached ({})", model::neigh_state_name(e.state));
  if (e.ip.is_multicast() || e.ip.is_broadcast() || e.ip.is_unspecified()) return "not a unicast address";
  return std::nullopt;
}

NeighClass classify(const model::NeighEntry& before, const model::ArpProbeResult& probe) {
  auto macs = probe.answering_macs();
  if (macs.empty()) return NeighClass::silent;
  if (macs.size() > 1) return NeighClass::conflict;
  if (before.mac && *before.mac == macs.front()) return NeighClass::ok;
  return NeighClass::stale;
}

std::optional<model::NeighFix> plan_fix(const model::NeighAudit& a, model::FixMode mode, bool force) {
  if (a.cls != NeighClass::stale || a.answering.size() != 1) return std::nullopt;
  model::NeighFix f;
  f.mode = mode;
  if (mode == model::FixMode::replace) {
    f.new_mac = a.answering.front();
    f.command = neigh_replace_command(a.before.ip, *f.new_mac, a.dev);
  } else {
    f.command = neigh_delete_command(a.before.ip, a.dev);
  }
  if (!a.before.kernel_heals() || a.before.is_managed()) {
    std::string what = a.before.is_permanent() ? "PERMANENT" : model::neigh_state_name(a.before.state);
    for (auto& flag : model::neigh_flag_names(a.before)) what += " " + flag;
    if (!force) {
      f.skipped = true;
      f.note = fmt::format("{} entry, likely owned by {}: not touched without --force", what, likely_owner(a.before));
    } else {
      f.note = fmt::format("forced: {} entry, likely owned by {}, which may put the old MAC back", what, likely_owner(a.before));
    }
  }
  return f;
}

model::NeighCounts count(const model::NeighReport& r) {
  model::NeighCounts c;
  for (const auto& a : r.entries) {
    bool fixed = a.fix && a.fix->applied;
    switch (a.cls) {
      case NeighClass::ok: ++c.ok; break;
      case NeighClass::stale: fixed ? ++c.fixed : ++c.stale; break;
      case NeighClass::silent: ++c.silent; break;
      case NeighClass::conflict: ++c.conflict; break;
      case NeighClass::not_verifiable: ++c.not_verifiable; break;
      case NeighClass::unchecked: ++c.unchecked; break;
    }
    if (a.fix && a.fix->error) ++c.fix_failed;
    if (a.fix && a.fix->skipped) ++c.fix_skipped;
  }
  return c;
}

model::Status neigh_status(const model::NeighCounts& c) {
  if (c.stale > 0 || c.conflict > 0) return model::Status::failing;
  if (c.silent > 0) return model::Status::degraded;
  return model::Status::ok;
}

std::string problem_marker(const model::NeighEntry& e) {
  if (e.state & (model::nud::failed | model::nud::incomplete)) return "unresolved";
  if (e.is_permanent() || e.is_extern_learn() || e.is_managed()) return "pinned";
  return "";
}

}  // namespace vpcprobe::diag
