#pragma once
// `vpcprobe neigh`: the kernel's neighbor table, each entry checked against the wire.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/status.hpp"

namespace vpcprobe::model {

enum class NeighClass {
  ok = 1,          // the cached MAC answers (and only it)
  stale,           // another MAC answers for the IP; the cached one is silent
  silent,          // nobody answers
  conflict,        // two or more MACs answer
  not_verifiable,  // NOARP, loopback, point-to-point, no MAC cached: skipped with the reason
  unchecked,       // listed only (no --verify)
};
std::string neigh_class_name(NeighClass c);

enum class FixMode { replace = 1, remove };

struct NeighFix {
  FixMode mode = FixMode::replace;
  std::string command;        // the equivalent `ip neigh` command
  std::optional<wire::Mac> new_mac;
  bool skipped = false;       // owned by someone else and --force not given
  std::string note;           // why skipped, or the owner warning when forced
  bool applied = false;
  std::optional<std::string> error;
};

struct NeighAudit {
  std::string dev;
  NeighEntry before;                  // read before any probe
  std::optional<NeighEntry> after;    // read after probing (and fixing)
  NeighClass cls = NeighClass::unchecked;
  std::string reason;                 // for not_verifiable, and a few words for the others
  std::optional<ArpProbeResult> probe;
  std::vector<wire::Mac> answering;
  std::optional<NeighFix> fix;
  bool relearned = false;             // the kernel took the answer to our probe (kernel-managed entry)
};

struct NeighCounts {
  int ok = 0, stale = 0, silent = 0, conflict = 0, not_verifiable = 0, unchecked = 0, fixed = 0, fix_failed = 0,
      fix_skipped = 0;
};

struct NeighReport {
  std::vector<NeighAudit> entries;
  NeighCounts counts;
  bool verified = false;
  bool dry_run = false;
  int round = 0;  // --watch: 1, 2, ...
  double duration_ms = 0;
  Status status = Status::ok;
};

}  // namespace vpcprobe::model
