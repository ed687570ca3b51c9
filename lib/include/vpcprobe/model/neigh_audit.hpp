#pragma once
// `vpcprobe neigh`: the kernel's neighbor table, each entry checked against the wire.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/model/neigh_health.hpp"
#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/status.hpp"

namespace vpcprobe::model {

// Why an entry cannot be checked with ARP.
enum class Unverifiable {
  noarp_entry = 1,     // NOARP state: no ARP on this address
  loopback,            // on a loopback interface
  point_to_point,      // on a point-to-point interface
  link_without_arp,    // the interface does not do ARP (not Ethernet, IFF_NOARP)
  no_mac,              // no MAC cached (FAILED, INCOMPLETE, ...)
  not_unicast,         // multicast, broadcast or unspecified address
  interface_gone,      // the interface vanished between the dump and the probe
  no_source_address,   // the interface has no address of the entry's family to ask from
  other_family,        // an IPv6 entry: NDP is not spoken yet
};

enum class FixMode { replace = 1, remove };

// What --fix does (or would do, or may not do) to a stale entry. render/ spells the `ip neigh` command.
struct NeighFix {
  FixMode mode = FixMode::replace;
  std::optional<wire::Mac> new_mac;   // replace: the MAC that answers
  bool skipped = false;               // owned by someone else and --force not given
  bool forced = false;                // owned by someone else and --force given
  bool applied = false;
  std::optional<std::string> error;   // the kernel's own words when the change failed
};

struct NeighAudit {
  std::string dev;
  NeighEntry before;                        // read before any probe
  std::optional<NeighEntry> after;          // read after probing (and fixing)
  std::optional<NeighFinding> finding;      // set once verified on the wire
  std::optional<Unverifiable> unverifiable; // set when it could not be verified
  std::optional<ArpProbeResult> probe;
  std::vector<wire::Mac> answering;
  std::optional<NeighFix> fix;
  bool relearned = false;                   // the kernel took the answer to our probe (kernel-managed entry)
  bool kept_alive = false;                  // silent, yet the kernel confirmed it while we probed (traffic keeps it)
};

// The audit's class of an entry as the neigh/1 schema names it: ok, stale, silent, conflict,
// not_verifiable, unchecked.
enum class NeighClass { ok = 1, stale, silent, conflict, not_verifiable, unchecked };
NeighClass neigh_class(const NeighAudit& a);
std::string neigh_class_name(NeighClass c);

struct NeighCounts {
  int ok = 0, stale = 0, silent = 0, conflict = 0, not_verifiable = 0, unchecked = 0, fixed = 0, fix_failed = 0,
      fix_skipped = 0, kept_alive = 0;
};

// What the wire part of a verification did as a whole: the requests, the answers, and how often
// the kernel's buffers made it pause.
struct ArpSweepStats {
  std::uint64_t broadcast_sent = 0, unicast_sent = 0, replies = 0, rejected = 0, backoffs = 0, send_failures = 0;
  double elapsed_ms = 0;
  double rate_pps = 0;      // asked
  double achieved_pps = 0;  // requests sent over the time spent sending
  bool interrupted = false;
};

struct NeighReport {
  std::vector<NeighAudit> entries;
  NeighCounts counts;
  bool verified = false;
  std::optional<NeighHealth> health;  // --health (and --verify): the subsystem, not the entries
  std::optional<ArpSweepStats> sweep; // set when entries were verified on the wire
  bool dry_run = false;
  int round = 0;  // --watch: 1, 2, ...
  double duration_ms = 0;
  Status status = Status::ok;
};

// --watch: what all rounds found together, for the closing line.
struct NeighWatchSummary {
  int rounds = 0;
  bool interrupted = false;
  int stale = 0, conflict = 0, silent = 0, fixed = 0;
  Status last = Status::unknown;  // the latest round's: the exit code of the watch
  void add(const NeighReport& round);
};

}  // namespace vpcprobe::model
