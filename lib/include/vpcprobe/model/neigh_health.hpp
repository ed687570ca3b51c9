#pragma once
// The health of the neighbor subsystem itself, not of one entry: the kernel's table against its
// garbage-collection thresholds, the table's counters, and the per-interface settings that change
// how this host speaks ARP. Plain data; the rules live in diag/neigh_health, the words in render/.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/status.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::model {

// The kernel's per-table statistics (struct ndt_stats, RTM_GETNEIGHTBL), summed over CPUs by the
// kernel. They are the whole host's: one table serves every network namespace.
struct NeighTableCounters {
  std::uint64_t allocs = 0, destroys = 0, hash_grows = 0, res_failed = 0, lookups = 0, hits = 0, rcv_probes_mcast = 0,
                rcv_probes_ucast = 0, periodic_gc_runs = 0, forced_gc_runs = 0, table_fulls = 0;
  // Packets dropped while waiting for resolution: only in /proc/net/stat/{arp,ndisc}_cache, which
  // exists in the initial network namespace alone.
  std::optional<std::uint64_t> unresolved_discards;
  // Each counter minus the one in `base` (a counter that went backwards counts from zero).
  NeighTableCounters since(const NeighTableCounters& base) const;
};

// One interface's neighbor parameters in this namespace (`ip ntable show dev IF`).
struct NeighIfParms {
  int ifindex = 0;
  std::uint64_t base_reachable_time_ms = 0;
  std::uint64_t gc_staletime_ms = 0;
};

// One neighbor table as the kernel describes it (`ip -s ntable show`).
struct NeighTable {
  std::string name;               // "arp_cache", "ndisc_cache"
  wire::Family family = wire::Family::v4;
  std::uint32_t gc_thresh1 = 0, gc_thresh2 = 0, gc_thresh3 = 0;
  std::uint64_t gc_interval_ms = 0;
  std::uint32_t entries_host = 0;  // every entry of every namespace, PERMANENT ones included
  std::uint64_t base_reachable_time_ms = 0;  // the table's default parameters
  std::uint64_t gc_staletime_ms = 0;
  NeighTableCounters counters;
  std::vector<NeighIfParms> interfaces;      // this namespace's interfaces' own parameters
  std::uint64_t staletime_of(int ifindex) const;  // the interface's gc_staletime, else the table's
};

// What this namespace's own entries add up to, per family.
struct NeighTableCounts {
  wire::Family family = wire::Family::v4;
  int entries = 0;      // in this namespace
  int exempt = 0;       // PERMANENT or extern_learn: not counted against the thresholds
  int counted = 0;      // the rest: these fill the table up to gc_thresh3
  int stale_idle = 0;   // STALE and unused for longer than gc_staletime
  std::vector<std::pair<std::string, int>> by_state;  // "REACHABLE" -> n, in a fixed order
};

// One setting of /proc/sys/net/ipv{4,6}/conf: the interface's value, the `all` value, and what the
// kernel acts on (the larger, or either, or both, depending on the setting).
struct IfSetting {
  std::string name;   // "arp_ignore"
  int value = 0;      // the interface's own
  std::optional<int> all;
  int effective = 0;
};

struct IfSettings {
  std::string dev;
  int ifindex = 0;
  std::vector<std::uint8_t> prefixes_v4;  // prefix lengths of its IPv4 addresses
  std::vector<IfSetting> v4;               // only the ones that could be read
  std::vector<IfSetting> v6;
  const IfSetting* find(std::string_view name) const;
};

enum class HealthSeverity { info = 1, warning, failure };

enum class HealthKind {
  table_near_limit = 1,   // counted entries from ~80 % of gc_thresh3
  table_full,             // counted entries at gc_thresh3: new neighbors cannot be created
  table_maybe_near_limit, // the host-wide count is near, but other namespaces' exempt entries cannot be seen
  above_gc_thresh2,       // forced garbage collection every allocation
  overflowed_since_boot,  // table_fulls > 0 (absolute)
  overflow_during_run,    // table_fulls grew during --watch
  forced_gc_during_run,   // forced_gc_runs grew during --watch
  discards_during_run,    // unresolved_discards grew during --watch
  stale_kept,             // STALE entries below gc_thresh1 are never collected
  setting,                // a per-interface setting that changes ARP/NDP behaviour
};

struct HealthFinding {
  HealthSeverity severity = HealthSeverity::info;
  HealthKind kind = HealthKind::setting;
  wire::Family family = wire::Family::v4;
  std::string dev;       // setting: the interface
  std::string setting;   // setting: its name
  int value = 0;         // setting: the effective value
  std::uint64_t count = 0;  // the number the finding is about (entries, counter increase)
  std::uint64_t limit = 0;  // the threshold it is compared with
};

struct NeighHealth {
  std::vector<NeighTable> tables;
  std::vector<NeighTableCounts> counts;
  std::vector<IfSettings> interfaces;
  // --watch: the counters' increase during this round (since the previous round's reading, or this
  // round's start), which the findings judge, and during the whole run; parallel to `tables`.
  bool counters_are_deltas = false;
  std::vector<NeighTableCounters> deltas;
  std::vector<NeighTableCounters> run_deltas;
  std::vector<NeighTable> run_start;  // the run's first reading, handed on from round to round
  std::vector<HealthFinding> findings;
  Status status = Status::ok;
  const NeighTableCounts* counts_of(wire::Family f) const;
};

std::string health_severity_name(HealthSeverity s);  // "info", "warning", "failure"
std::string health_kind_name(HealthKind k);          // "table_near_limit", ...

}  // namespace vpcprobe::model
