#include "vpcprobe/diag/neigh_health.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace vpcprobe::diag {

using model::HealthFinding;
using model::HealthKind;
using model::HealthSeverity;

const std::vector<SettingSpec>& v4_settings() {
  static const std::vector<SettingSpec> s = {
      {"arp_ignore", 0},  {"arp_announce", 0},    {"arp_accept", 0},          {"arp_filter", 0},
      {"arp_notify", 0},  {"proxy_arp", 0},       {"proxy_arp_pvlan", 0},     {"rp_filter", 0},
      {"drop_gratuitous_arp", 0},                 {"arp_evict_nocarrier", 1},
  };
  return s;
}

const std::vector<SettingSpec>& v6_settings() {
  static const std::vector<SettingSpec> s = {
      {"disable_ipv6", 0}, {"forwarding", 0}, {"accept_ra", 1}, {"drop_unsolicited_na", 0},
  };
  return s;
}

int effective_setting(std::string_view name, int value, std::optional<int> all) {
  if (!all) return value;
  // include/linux/inetdevice.h: IN_DEV_MAXCONF, IN_DEV_ORCONF, IN_DEV_ANDCONF
  if (name == "arp_ignore" || name == "arp_announce" || name == "arp_accept" || name == "arp_notify" || name == "rp_filter")
    return std::max(value, *all);
  if (name == "arp_filter" || name == "proxy_arp" || name == "proxy_arp_pvlan" || name == "drop_gratuitous_arp")
    return (value != 0 || *all != 0) ? std::max(value, *all) : 0;
  if (name == "arp_evict_nocarrier") return (value != 0 && *all != 0) ? 1 : 0;
  return value;
}

model::NeighTableCounts count_entries(const std::vector<model::NeighEntry>& entries, wire::Family family,
                                      const model::NeighTable& table) {
  model::NeighTableCounts c;
  c.family = family;
  std::map<std::string, int> by_state;
  for (const auto& e : entries) {
    if (e.ip.family() != family) continue;
    ++c.entries;
    if (e.is_permanent() || e.is_extern_learn()) ++c.exempt;
    else ++c.counted;
    if (e.state == model::nud::stale && e.cache) {
      const auto staletime = table.staletime_of(e.ifindex);
      if (staletime > 0 && e.cache->used_ms > staletime) ++c.stale_idle;
    }
    ++by_state[model::neigh_state_name(e.state)];
  }
  // The kernel's own order of states first, anything else after.
  for (const char* s : {"REACHABLE", "STALE", "DELAY", "PROBE", "INCOMPLETE", "FAILED", "PERMANENT", "NOARP", "NONE"})
    if (auto it = by_state.find(s); it != by_state.end()) {
      c.by_state.emplace_back(it->first, it->second);
      by_state.erase(it);
    }
  for (auto& [k, n] : by_state) c.by_state.emplace_back(k, n);
  return c;
}

namespace {

HealthFinding table_finding(HealthSeverity s, HealthKind k, const model::NeighTable& t, std::uint64_t count, std::uint64_t limit) {
  HealthFinding f;
  f.severity = s;
  f.kind = k;
  f.family = t.family;
  f.count = count;
  f.limit = limit;
  return f;
}

HealthFinding setting_finding(HealthSeverity s, const model::IfSettings& i, const model::IfSetting& v, wire::Family family) {
  HealthFinding f;
  f.severity = s;
  f.kind = HealthKind::setting;
  f.family = family;
  f.dev = i.dev;
  f.setting = v.name;
  f.value = v.effective;
  return f;
}

// How much a non-default value matters. Everything that can make the host answer for the wrong
// address, not answer, or take the wrong answer is a warning; the rest is information.
std::optional<HealthSeverity> v4_severity(const model::IfSettings& i, const model::IfSetting& v) {
  const int x = v.effective;
  if (v.name == "arp_ignore") {
    if (x == 8) return HealthSeverity::failure;  // answers no ARP request at all
    // 2: the sender must be in the subnet of the target address; with only /32 addresses nobody is.
    const bool only_host_routes = !i.prefixes_v4.empty() &&
                                  std::all_of(i.prefixes_v4.begin(), i.prefixes_v4.end(), [](std::uint8_t p) { return p == 32; });
    if (x == 2 && only_host_routes) return HealthSeverity::failure;
    return HealthSeverity::warning;
  }
  if (v.name == "arp_notify") return HealthSeverity::info;             // announces changes: helps
  if (v.name == "rp_filter" && x == 2) return HealthSeverity::info;    // loose: drops only without any route back
  return HealthSeverity::warning;
}

std::optional<HealthSeverity> v6_severity(const model::IfSettings& i, const model::IfSetting& v) {
  if (v.name == "disable_ipv6") return HealthSeverity::info;
  if (const auto* d = i.find("disable_ipv6"); d && d->effective != 0) return std::nullopt;  // nothing else matters
  if (v.name == "forwarding") {
    const auto* ra = i.find("accept_ra");
    return ra && ra->effective == 1 ? std::optional(HealthSeverity::warning) : std::nullopt;
  }
  if (v.name == "accept_ra") return std::nullopt;  // judged with forwarding
  if (v.name == "drop_unsolicited_na") return HealthSeverity::warning;
  return HealthSeverity::info;
}

int default_of(const std::vector<SettingSpec>& specs, const std::string& name) {
  for (const auto& s : specs)
    if (name == s.name) return s.kernel_default;
  return 0;
}

}  // namespace

std::vector<HealthFinding> health_findings(const model::NeighHealth& h) {
  std::vector<HealthFinding> out;
  for (std::size_t ti = 0; ti < h.tables.size(); ++ti) {
    const auto& t = h.tables[ti];
    const auto* c = h.counts_of(t.family);
    const std::uint64_t here = c ? static_cast<std::uint64_t>(c->counted) : 0;
    const std::uint64_t exempt = c ? static_cast<std::uint64_t>(c->exempt) : 0;
    const std::uint64_t at_most = t.entries_host > exempt ? t.entries_host - exempt : 0;
    const auto near = static_cast<std::uint64_t>(std::ceil(kNearLimit * t.gc_thresh3));
    if (t.gc_thresh3 > 0) {
      if (here >= t.gc_thresh3) out.push_back(table_finding(HealthSeverity::failure, HealthKind::table_full, t, here, t.gc_thresh3));
      else if (here >= near) out.push_back(table_finding(HealthSeverity::warning, HealthKind::table_near_limit, t, here, t.gc_thresh3));
      else if (at_most >= near)
        out.push_back(table_finding(HealthSeverity::info, HealthKind::table_maybe_near_limit, t, at_most, t.gc_thresh3));
      else if (t.gc_thresh2 > 0 && here > t.gc_thresh2)
        out.push_back(table_finding(HealthSeverity::info, HealthKind::above_gc_thresh2, t, here, t.gc_thresh2));
    }
    if (c && c->stale_idle > 0 && t.entries_host < t.gc_thresh1)
      out.push_back(table_finding(HealthSeverity::info, HealthKind::stale_kept, t, static_cast<std::uint64_t>(c->stale_idle), t.gc_thresh1));
    if (h.counters_are_deltas && ti < h.deltas.size()) {
      const auto& d = h.deltas[ti];
      if (d.table_fulls > 0) out.push_back(table_finding(HealthSeverity::failure, HealthKind::overflow_during_run, t, d.table_fulls, 0));
      if (d.forced_gc_runs > 0)
        out.push_back(table_finding(HealthSeverity::warning, HealthKind::forced_gc_during_run, t, d.forced_gc_runs, 0));
      if (d.unresolved_discards.value_or(0) > 0)
        out.push_back(table_finding(HealthSeverity::warning, HealthKind::discards_during_run, t, *d.unresolved_discards, 0));
    } else if (t.counters.table_fulls > 0) {
      out.push_back(table_finding(HealthSeverity::info, HealthKind::overflowed_since_boot, t, t.counters.table_fulls, 0));
    }
  }
  for (const auto& i : h.interfaces) {
    for (const auto& v : i.v4)
      if (v.effective != default_of(v4_settings(), v.name))
        if (auto s = v4_severity(i, v)) out.push_back(setting_finding(*s, i, v, wire::Family::v4));
    for (const auto& v : i.v6)
      if (v.effective != default_of(v6_settings(), v.name))
        if (auto s = v6_severity(i, v)) out.push_back(setting_finding(*s, i, v, wire::Family::v6));
  }
  std::stable_sort(out.begin(), out.end(), [](const HealthFinding& a, const HealthFinding& b) { return a.severity > b.severity; });
  return out;
}

model::Status health_status(const std::vector<HealthFinding>& findings) {
  auto worst = HealthSeverity::info;
  for (const auto& f : findings) worst = std::max(worst, f.severity);
  if (findings.empty()) return model::Status::ok;
  switch (worst) {
    case HealthSeverity::failure: return model::Status::failing;
    case HealthSeverity::warning: return model::Status::degraded;
    case HealthSeverity::info: return model::Status::ok;
  }
  return model::Status::ok;
}

bool kept_alive_by_traffic(const model::NeighAudit& a, double probe_ms) {
  if (!a.finding || *a.finding != model::NeighFinding::silent) return false;
  if (a.before.is_permanent() || a.before.is_noarp()) return false;
  return a.after && a.after->cache && static_cast<double>(a.after->cache->confirmed_ms) < probe_ms;
}

}  // namespace vpcprobe::diag
