#pragma once
// Pure decisions of the neighbor audit: which entries can be checked on the wire, what the answers
// mean, what a fix would do (and whether it may), and the exit status.
#include <optional>
#include <string>

#include "vpcprobe/model/neigh_audit.hpp"

namespace vpcprobe::diag {

// The reason an entry cannot be verified with ARP, or nothing when it can.
std::optional<std::string> not_verifiable_reason(const model::NeighEntry& e, const model::LinkInfo& link);

// ok / stale / silent / conflict from what answered, against the MAC cached before probing.
model::NeighClass classify(const model::NeighEntry& before, const model::ArpProbeResult& probe);

// What --fix does to a stale entry: kernel-managed entries are fixed; PERMANENT, extern_learn and
// managed ones only with force (with a warning naming the likely owner). Nothing for other classes.
std::optional<model::NeighFix> plan_fix(const model::NeighAudit& a, model::FixMode mode, bool force);

model::NeighCounts count(const model::NeighReport& r);
// 0 all ok (fixed entries count as ok), 1 only silent entries, 2 any stale or conflict left.
model::Status neigh_status(const model::NeighCounts& c);

// A marker for the plain listing: "unresolved" for FAILED/INCOMPLETE, "pinned" for entries the
// kernel will not re-resolve (PERMANENT, extern_learn, managed), empty otherwise.
std::string problem_marker(const model::NeighEntry& e);

}  // namespace vpcprobe::diag
