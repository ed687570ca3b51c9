#include "vpcprobe/render/neigh_health.hpp"

#include <fmt/format.h>

#include "json_util.hpp"

namespace vpcprobe::render {

using model::HealthKind;
using nlohmann::json;

namespace {

const model::NeighTable* table_of(const model::NeighHealth& h, wire::Family f) {
  for (const auto& t : h.tables)
    if (t.family == f) return &t;
  return nullptr;
}

std::string sysctl_prefix(wire::Family f) { return f == wire::Family::v4 ? "net.ipv4" : "net.ipv6"; }

int percent(std::uint64_t n, std::uint64_t of) { return of == 0 ? 0 : static_cast<int>(100.0 * static_cast<double>(n) / static_cast<double>(of)); }

std::string setting_sentence(const model::HealthFinding& f) {
  const std::string& d = f.dev;
  const int x = f.value;
  const auto& s = f.setting;
  if (s == "arp_ignore") {
    if (x == 1)
      return fmt::format("answers ARP only for addresses configured on {} itself: an address that lives on another interface "
                         "(a VIP on lo, a /32 on a dummy) gets no answer here", d);
    if (x == 2 && f.severity == model::HealthSeverity::failure)
      return fmt::format("answers no ARP on {}: the sender must be in the subnet of the asked address, and every address of {} "
                         "is a /32, so no peer (not even the gateway) can resolve this host", d, d);
    if (x == 2)
      return fmt::format("answers ARP on {} only when the sender is in the subnet of the asked address: peers and gateways "
                         "from other subnets (or on /32 addressing) get no answer", d);
    if (x == 3) return fmt::format("does not answer ARP on {} for addresses of scope host", d);
    if (x == 8) return fmt::format("answers no ARP request at all on {}: peers can reach this host only through static entries", d);
    return fmt::format("arp_ignore={} on {}: a reserved value", x, d);
  }
  if (s == "arp_announce")
    return x == 1 ? fmt::format("ARP requests from {} avoid sender addresses outside the target's subnet", d)
                  : fmt::format("ARP requests from {} name the interface's best address as sender, not the packet's source: peers "
                                "learn this MAC for another IP than the traffic uses", d);
  if (s == "arp_accept")
    return fmt::format("creates neighbor entries from gratuitous ARP on {}{}: any host that announces an address (a duplicate "
                       "IP, a spoofer) plants an entry here", d, x == 2 ? " (for addresses in its subnets)" : "");
  if (s == "arp_filter")
    return fmt::format("answers ARP on {} only when the reply would be routed out of {}: with two interfaces in one subnet, "
                       "one of them stays silent", d, d);
  if (s == "arp_notify")
    return fmt::format("announces {}'s addresses by gratuitous ARP when it comes up or they change (helps peers drop stale "
                       "entries)", d);
  if (s == "proxy_arp")
    return fmt::format("answers ARP on {} for addresses this host routes elsewhere: it can answer for an address that is "
                       "not its own, and win against the real owner", d);
  if (s == "proxy_arp_pvlan")
    return fmt::format("answers ARP on {} for hosts of the same segment (private VLAN): every neighbor resolves to this host", d);
  if (s == "rp_filter")
    return x == 1 ? fmt::format("strict reverse-path filter on {}: packets and ARP requests from a source whose route back "
                                "leaves by another interface are dropped, so asymmetric routing breaks", d)
                  : fmt::format("loose reverse-path filter on {}: drops only packets from sources with no route back at all", d);
  if (s == "drop_gratuitous_arp")
    return fmt::format("ignores gratuitous ARP on {}: when an address moves to a new NIC (a failover, a managed database's "
                       "maintenance) this host keeps the old MAC until the entry expires", d);
  if (s == "arp_evict_nocarrier")
    return fmt::format("keeps neighbor entries of {} when its carrier goes down: after a NIC or cable change the old MACs "
                       "stay cached", d);
  if (s == "forwarding")
    return fmt::format("IPv6 forwarding is on and accept_ra=1 on {}: router advertisements are ignored (accept_ra=2 takes "
                       "them), so no default route or prefix is learned from them", d);
  if (s == "drop_unsolicited_na")
    return fmt::format("ignores unsolicited neighbor advertisements on {}: an IPv6 address that moves keeps its old MAC "
                       "here until the entry expires", d);
  if (s == "disable_ipv6") return fmt::format("IPv6 is off on {}", d);
  return fmt::format("{}={} on {}", s, x, d);
}

std::string setting_origin(const model::HealthFinding& f, const model::NeighHealth& h) {
  for (const auto& i : h.interfaces) {
    if (i.dev != f.dev) continue;
    const auto* v = i.find(f.setting);
    if (!v) break;
    const bool from_all = v->all && *v->all != v->value && *v->all == v->effective;
    const auto fam = f.family == wire::Family::v4 ? "ipv4" : "ipv6";
    return fmt::format("{}={} ({}; net.{}.conf.{}.{}={}{})", f.setting, v->effective, from_all ? "from conf.all" : "on the interface",
                       fam, f.dev, f.setting, v->value, v->all ? fmt::format(", all={}", *v->all) : "");
  }
  return fmt::format("{}={}", f.setting, f.value);
}

json counters_json(const model::NeighTableCounters& c) {
  json j = {{"allocs", c.allocs},
            {"destroys", c.destroys},
            {"hash_grows", c.hash_grows},
            {"res_failed", c.res_failed},
            {"lookups", c.lookups},
            {"hits", c.hits},
            {"rcv_probes_mcast", c.rcv_probes_mcast},
            {"rcv_probes_ucast", c.rcv_probes_ucast},
            {"periodic_gc_runs", c.periodic_gc_runs},
            {"forced_gc_runs", c.forced_gc_runs},
            {"table_fulls", c.table_fulls}};
  j["unresolved_discards"] = c.unresolved_discards ? json(*c.unresolved_discards) : json(nullptr);
  return j;
}

std::string family_key(wire::Family f) { return f == wire::Family::v4 ? "ipv4" : "ipv6"; }

}  // namespace

std::string health_finding_text(const model::HealthFinding& f, const model::NeighHealth& h) {
  const auto* t = table_of(h, f.family);
  const std::string fam = wire::family_name(f.family);
  const std::string knob = fmt::format("{}.neigh.default.gc_thresh3", sysctl_prefix(f.family));
  switch (f.kind) {
    case HealthKind::setting: return fmt::format("{}: {}", setting_origin(f, h), setting_sentence(f));
    case HealthKind::table_full:
      return fmt::format("the {} neighbor table is full: {} entries count against gc_thresh3 {}; new neighbors cannot be created "
                         "(\"neighbour table overflow\") and traffic to them is dropped. The limit is the whole host's: raise "
                         "{} (and gc_thresh1/2) on the host, or find what fills the table",
                         fam, f.count, f.limit, knob);
    case HealthKind::table_near_limit:
      return fmt::format("the {} neighbor table is near its limit: {} entries count against gc_thresh3 {} ({}%); at the limit new "
                         "neighbors fail (\"neighbour table overflow\"). Raise {} on the host, or find what fills it",
                         fam, f.count, f.limit, percent(f.count, f.limit), knob);
    case HealthKind::table_maybe_near_limit:
      return fmt::format("the host's {} table holds {} entries against gc_thresh3 {}, but this namespace can vouch for only {} "
                         "of them counting: PERMANENT and extern_learn entries of other namespaces do not count and cannot be "
                         "told apart from here. Look from the host's namespace (vpcprobe --pid 1 neigh --health)",
                         fam, t ? t->entries_host : f.count, f.limit, h.counts_of(f.family) ? h.counts_of(f.family)->counted : 0);
    case HealthKind::above_gc_thresh2:
      return fmt::format("{} {} entries are above gc_thresh2 {}: each new neighbor makes the kernel evict entries unused for "
                         "5 s",
                         f.count, fam, f.limit);
    case HealthKind::overflowed_since_boot:
      return fmt::format("the {} table overflowed {} times since boot (table_fulls); --watch shows whether it still does", fam,
                         f.count);
    case HealthKind::overflow_during_run:
      return fmt::format("the {} table overflowed {} times during this round: new neighbors were refused (\"neighbour table "
                         "overflow\")",
                         fam, f.count);
    case HealthKind::forced_gc_during_run:
      return fmt::format("forced garbage collection of the {} table ran {} times during this round: it is above gc_thresh2 and "
                         "evicting entries to make room",
                         fam, f.count);
    case HealthKind::discards_during_run:
      return fmt::format("{} packets were dropped during this round waiting for {} address resolution (unresolved_discards)", f.count,
                         fam);
    case HealthKind::stale_kept:
      return fmt::format("{} STALE {} entries have been unused for longer than gc_staletime and stay: the table is below "
                         "gc_thresh1 {}, so the kernel never collects them; if their addresses were reused, --verify shows "
                         "whether they still answer",
                         f.count, fam, f.limit);
  }
  return "";
}

std::string neigh_health_text(const model::NeighHealth& h) {
  std::string out = "health:\n";
  for (const auto& t : h.tables) {
    const auto* c = h.counts_of(t.family);
    out += fmt::format("  {} ({}): {} entries host-wide; here {} ({} counted, {} PERMANENT/extern_learn); gc_thresh1 {}, "
                       "gc_thresh2 {}, gc_thresh3 {}\n",
                       t.name, wire::family_name(t.family), t.entries_host, c ? c->entries : 0, c ? c->counted : 0,
                       c ? c->exempt : 0, t.gc_thresh1, t.gc_thresh2, t.gc_thresh3);
    const auto& k = t.counters;
    out += fmt::format("    counters since boot: table_fulls {}, forced_gc_runs {}, res_failed {}, unresolved_discards {}, "
                       "periodic_gc_runs {}, allocs {}, destroys {}\n",
                       k.table_fulls, k.forced_gc_runs, k.res_failed,
                       k.unresolved_discards ? std::to_string(*k.unresolved_discards) : std::string("-"), k.periodic_gc_runs,
                       k.allocs, k.destroys);
  }
  if (h.counters_are_deltas)
    for (std::size_t i = 0; i < h.tables.size() && i < h.deltas.size() && i < h.run_deltas.size(); ++i) {
      const auto& d = h.deltas[i];
      const auto& r = h.run_deltas[i];
      out += fmt::format("  {} this round: table_fulls +{}, forced_gc_runs +{}, res_failed +{}, unresolved_discards {}; "
                         "since the start: table_fulls +{}, forced_gc_runs +{}\n",
                         h.tables[i].name, d.table_fulls, d.forced_gc_runs, d.res_failed,
                         d.unresolved_discards ? "+" + std::to_string(*d.unresolved_discards) : std::string("-"), r.table_fulls,
                         r.forced_gc_runs);
    }
  for (const auto& i : h.interfaces) {
    std::string set;
    for (const auto& v : i.v4) set += fmt::format(" {}={}", v.name, v.effective);
    out += fmt::format("  {}:{}\n", i.dev, set);
  }
  int warnings = 0, failures = 0, notes = 0;
  for (const auto& f : h.findings) {
    const char* tag = "note";
    switch (f.severity) {
      case model::HealthSeverity::failure: tag = "FAILURE"; ++failures; break;
      case model::HealthSeverity::warning: tag = "WARNING"; ++warnings; break;
      case model::HealthSeverity::info: ++notes; break;
    }
    out += fmt::format("  {}: {}\n", tag, health_finding_text(f, h));
  }
  out += fmt::format("health: {} ({} failure{}, {} warning{}, {} note{})\n", model::status_name(h.status), failures,
                     failures == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", notes, notes == 1 ? "" : "s");
  return out;
}

json detail::neigh_health_json(const model::NeighHealth& h) {
  json tables = json::array();
  for (std::size_t i = 0; i < h.tables.size(); ++i) {
    const auto& t = h.tables[i];
    const auto* c = h.counts_of(t.family);
    json states = json::object();
    if (c)
      for (const auto& [s, n] : c->by_state) states[s] = n;
    json tj = {{"family", family_key(t.family)},
               {"name", t.name},
               {"gc_thresh1", t.gc_thresh1},
               {"gc_thresh2", t.gc_thresh2},
               {"gc_thresh3", t.gc_thresh3},
               {"gc_interval_ms", t.gc_interval_ms},
               {"gc_staletime_ms", t.gc_staletime_ms},
               {"base_reachable_time_ms", t.base_reachable_time_ms},
               {"entries_host", t.entries_host},
               {"entries", c ? c->entries : 0},
               {"exempt", c ? c->exempt : 0},
               {"counted", c ? c->counted : 0},
               {"percent_of_gc_thresh3", c ? percent(static_cast<std::uint64_t>(c->counted), t.gc_thresh3) : 0},
               {"stale_idle", c ? c->stale_idle : 0},
               {"by_state", states},
               {"counters", counters_json(t.counters)}};
    tj["counters_during_run"] = h.counters_are_deltas && i < h.run_deltas.size() ? counters_json(h.run_deltas[i]) : json(nullptr);
    tj["counters_this_round"] = h.counters_are_deltas && i < h.deltas.size() ? counters_json(h.deltas[i]) : json(nullptr);
    tables.push_back(std::move(tj));
  }
  json ifs = json::array();
  for (const auto& i : h.interfaces) {
    auto settings = [](const std::vector<model::IfSetting>& list) {
      json o = json::object();
      for (const auto& v : list)
        o[v.name] = {{"value", v.value}, {"all", v.all ? json(*v.all) : json(nullptr)}, {"effective", v.effective}};
      return o;
    };
    ifs.push_back({{"interface", i.dev}, {"ipv4", settings(i.v4)}, {"ipv6", settings(i.v6)}});
  }
  json findings = json::array();
  for (const auto& f : h.findings) {
    json fj = {{"severity", model::health_severity_name(f.severity)},
               {"kind", model::health_kind_name(f.kind)},
               {"family", family_key(f.family)},
               {"text", health_finding_text(f, h)}};
    if (f.kind == HealthKind::setting) {
      fj["interface"] = f.dev;
      fj["setting"] = f.setting;
      fj["value"] = f.value;
    } else {
      fj["count"] = f.count;
      fj["limit"] = f.limit > 0 ? json(f.limit) : json(nullptr);
    }
    findings.push_back(std::move(fj));
  }
  return {{"status", model::status_name(h.status)},
          {"tables", tables},
          {"interfaces", ifs},
          {"findings", findings},
          {"counters_are_deltas", h.counters_are_deltas}};
}

}  // namespace vpcprobe::render
