#include "vpcprobe/model/neigh_health.hpp"

namespace vpcprobe::model {

NeighTableCounters NeighTableCounters::since(const NeighTableCounters& base) const {
  auto d = [](std::uint64_t now, std::uint64_t then) { return now >= then ? now - then : now; };
  NeighTableCounters r;
  r.allocs = d(allocs, base.allocs);
  r.destroys = d(destroys, base.destroys);
  r.hash_grows = d(hash_grows, base.hash_grows);
  r.res_failed = d(res_failed, base.res_failed);
  r.lookups = d(lookups, base.lookups);
  r.hits = d(hits, base.hits);
  r.rcv_probes_mcast = d(rcv_probes_mcast, base.rcv_probes_mcast);
  r.rcv_probes_ucast = d(rcv_probes_ucast, base.rcv_probes_ucast);
  r.periodic_gc_runs = d(periodic_gc_runs, base.periodic_gc_runs);
  r.forced_gc_runs = d(forced_gc_runs, base.forced_gc_runs);
  r.table_fulls = d(table_fulls, base.table_fulls);
  if (unresolved_discards && base.unresolved_discards) r.unresolved_discards = d(*unresolved_discards, *base.unresolved_discards);
  return r;
}

std::uint64_t NeighTable::staletime_of(int ifindex) const {
  for (const auto& p : interfaces)
    if (p.ifindex == ifindex && p.gc_staletime_ms > 0) return p.gc_staletime_ms;
  return gc_staletime_ms;
}

const IfSetting* IfSettings::find(std::string_view n) const {
  for (const auto* list : {&v4, &v6})
    for (const auto& s : *list)
      if (s.name == n) return &s;
  return nullptr;
}

const NeighTableCounts* NeighHealth::counts_of(wire::Family f) const {
  for (const auto& c : counts)
    if (c.family == f) return &c;
  return nullptr;
}

std::string health_severity_name(HealthSeverity s) {
  switch (s) {
    case HealthSeverity::info: return "info";
    case HealthSeverity::warning: return "warning";
    case HealthSeverity::failure: return "failure";
  }
  return "info";
}

std::string health_kind_name(HealthKind k) {
  switch (k) {
    case HealthKind::table_near_limit: return "table_near_limit";
    case HealthKind::table_full: return "table_full";
    case HealthKind::table_maybe_near_limit: return "table_maybe_near_limit";
    case HealthKind::above_gc_thresh2: return "above_gc_thresh2";
    case HealthKind::overflowed_since_boot: return "overflowed_since_boot";
    case HealthKind::overflow_during_run: return "overflow_during_run";
    case HealthKind::forced_gc_during_run: return "forced_gc_during_run";
    case HealthKind::discards_during_run: return "discards_during_run";
    case HealthKind::stale_kept: return "stale_kept";
    case HealthKind::setting: return "setting";
  }
  return "setting";
}

}  // namespace vpcprobe::model
