#pragma once
// Pure rules of the neighbor subsystem's health: which entries count against the kernel's
// garbage-collection thresholds, what each interface setting means once `all` is folded in, and
// which findings (info, warning, failure) the numbers and settings amount to.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/model/neigh_health.hpp"

namespace vpcprobe::diag {

// The per-interface settings the health check reads, by family, with the kernel's default.
struct SettingSpec {
  const char* name;
  int kernel_default;
};
const std::vector<SettingSpec>& v4_settings();
const std::vector<SettingSpec>& v6_settings();

// What the kernel acts on, given the interface's value and the `all` one: the larger for
// arp_ignore, arp_announce, arp_accept, arp_notify and rp_filter; either for arp_filter,
// proxy_arp, proxy_arp_pvlan and drop_gratuitous_arp; both for arp_evict_nocarrier; the
// interface's own for the IPv6 settings.
int effective_setting(std::string_view name, int value, std::optional<int> all);

// This namespace's entries of one family, counted the kernel's way: PERMANENT and extern_learn
// entries are exempt from the thresholds (Linux 5.0 and later). `stale_idle` counts STALE entries
// unused for longer than their interface's gc_staletime (when the kernel sent their ages).
model::NeighTableCounts count_entries(const std::vector<model::NeighEntry>& entries, wire::Family family,
                                      const model::NeighTable& table);

// Share of gc_thresh3 from which a table is reported as near its limit.
inline constexpr double kNearLimit = 0.8;

// Every finding, most severe first, and the status they add up to (failure -> failing, warning ->
// degraded). With --watch, `h.deltas` (parallel to `h.tables`) are the counters' increase over the
// run; without, the counters are since boot and only informative.
std::vector<model::HealthFinding> health_findings(const model::NeighHealth& h);
model::Status health_status(const std::vector<model::HealthFinding>& findings);

// An entry our probes found silent although the kernel confirmed it during the probe: something
// (traffic from the peer, an application's MSG_CONFIRM) keeps it alive while it answers no ARP.
// `probe_ms` is how long the round took, table read to table read.
bool kept_alive_by_traffic(const model::NeighAudit& a, double probe_ms);

}  // namespace vpcprobe::diag
