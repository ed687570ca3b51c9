#include "vpcprobe/probe/neigh_health.hpp"

#include <net/if.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

#include "vpcprobe/diag/neigh_health.hpp"
#include "vpcprobe/sys/limits.hpp"
#include "vpcprobe/wire/procfs.hpp"  // the /proc/net/stat columns

namespace vpcprobe::probe {

namespace {

std::vector<model::IfSetting> read_settings(const char* family_dir, const std::string& dev, const std::vector<diag::SettingSpec>& specs) {
  std::vector<model::IfSetting> out;
  for (const auto& s : specs) {
    auto v = sys::read_conf_int(family_dir, dev, s.name);
    if (!v) continue;  // an older kernel without it, or no such family on the interface
    model::IfSetting x;
    x.name = s.name;
    x.value = *v;
    x.all = sys::read_conf_int(family_dir, "all", s.name);
    x.effective = diag::effective_setting(x.name, x.value, x.all);
    out.push_back(std::move(x));
  }
  return out;
}

// The interfaces of this namespace, as /proc/sys/net/ipv4/conf lists them.
std::vector<std::string> interface_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/sys/net/ipv4/conf", ec), end; !ec && it != end; it.increment(ec)) {
    auto n = it->path().filename().string();
    if (n == "all" || n == "default" || n.empty() || n.size() >= IFNAMSIZ) continue;
    names.push_back(std::move(n));
    if (names.size() >= 4096) break;
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

Result<model::NeighHealth> read_neigh_health(net::NetlinkClient& nl, int ifindex, const std::vector<model::NeighEntry>* v4_entries,
                                             const std::vector<model::NeighTable>* previous,
                                             const std::vector<model::NeighTable>* run_start) {
  model::NeighHealth h;
  auto tables = nl.neigh_tables();
  if (!tables) return std::unexpected(tables.error());
  for (auto& t : *tables) {
    if (t.family != wire::Family::v4 && t.family != wire::Family::v6) continue;
    if (auto text = sys::read_file_capped(t.family == wire::Family::v4 ? "/proc/net/stat/arp_cache" : "/proc/net/stat/ndisc_cache", 1 << 20))
      t.counters.unresolved_discards = wire::parse_neigh_stat_column(*text, "unresolved_discards");
    h.tables.push_back(std::move(t));
  }
  for (auto family : {wire::Family::v4, wire::Family::v6}) {
    // The audit's own reading of the whole IPv4 table serves, when it has one.
    std::optional<std::vector<model::NeighEntry>> dumped;
    if (family != wire::Family::v4 || !v4_entries) {
      auto entries = nl.neigh_dump(family, 0);
      if (!entries) return std::unexpected(entries.error());
      dumped = std::move(*entries);
    }
    model::NeighTable none;
    const model::NeighTable* table = &none;
    for (const auto& t : h.tables)
      if (t.family == family) table = &t;
    h.counts.push_back(diag::count_entries(dumped ? *dumped : *v4_entries, family, *table));
  }
  auto addrs = nl.addresses(wire::Family::v4);
  if (!addrs) return std::unexpected(addrs.error());
  std::vector<model::LinkInfo> links;
  if (ifindex > 0) {
    if (auto l = nl.link(ifindex)) links.push_back(std::move(*l));
  } else {
    for (const auto& name : interface_names())
      if (auto l = nl.link_by_name(name)) links.push_back(std::move(*l));  // else gone since the listing
  }
  for (const auto& link : links) {
    // Only interfaces that speak ARP: settings elsewhere change nothing about neighbors.
    if ((link.flags & (model::iff::loopback | model::iff::noarp | model::iff::pointopoint)) || !link.is_ethernet()) continue;
    model::IfSettings s;
    s.dev = link.name;
    s.ifindex = link.ifindex;
    for (const auto& a : *addrs)
      if (a.ifindex == link.ifindex) s.prefixes_v4.push_back(a.prefix_len);
    s.v4 = read_settings("ipv4", link.name, diag::v4_settings());
    s.v6 = read_settings("ipv6", link.name, diag::v6_settings());
    h.interfaces.push_back(std::move(s));
  }
  if (previous) {
    auto since = [&](const std::vector<model::NeighTable>& base) {
      std::vector<model::NeighTableCounters> d;
      for (const auto& t : h.tables) {
        const model::NeighTable* then = nullptr;
        for (const auto& b : base)
          if (b.family == t.family) then = &b;
        d.push_back(then ? t.counters.since(then->counters) : model::NeighTableCounters{});
      }
      return d;
    };
    h.counters_are_deltas = true;
    h.deltas = since(*previous);
    h.run_start = run_start ? *run_start : *previous;
    h.run_deltas = since(h.run_start);
  }
  h.findings = diag::health_findings(h);
  h.status = diag::health_status(h.findings);
  return h;
}

}  // namespace vpcprobe::probe
