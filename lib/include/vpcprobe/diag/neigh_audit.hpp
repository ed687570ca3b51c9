#pragma once
// Pure decisions of the neighbor audit: which entries can be checked on the wire, what a fix would
// do (and whether it may), whether the kernel re-learned an entry from our probe, and the status.
#include <optional>

#include "vpcprobe/model/neigh_audit.hpp"

namespace vpcprobe::diag {

#include <vector>

// Why an entry cannot be verified with ARP, or nothing when it can.
std::optional<model::Unverifiable> unverifiable(const model::NeighEntry& e, const model::LinkInfo& link);
// The same for every audit, given the interfaces it lives on (an entry whose interface is not
// among them is interface_gone).
void mark_unverifiable(std::vector<model::NeighAudit>& audits, const std::vector<model::LinkInfo>& links);
// Each probed audit's finding, from what answered against the MAC cached before probing.
void classify(std::vector<model::NeighAudit>& audits);
// After the table was read again: whether the kernel re-learned each entry from our own probe.
void mark_relearned(std::vector<model::NeighAudit>& audits);
// Plans the fix of every stale audit (see plan_fix).
void plan_fixes(std::vector<model::NeighAudit>& audits, model::FixMode mode, bool force);

// What --fix does to a stale entry: kernel-managed entries are fixed; PERMANENT, extern_learn and
// managed ones only with force. Nothing for entries that are not stale.
std::optional<model::NeighFix> plan_fix(const model::NeighAudit& a, model::FixMode mode, bool force);

// A kernel-managed entry may take the answer to our own request: the entry read after probing
// holds a MAC that answered, not the one cached before, and we did not change it ourselves.
bool relearned_by_kernel(const model::NeighAudit& a);

model::NeighCounts count(const model::NeighReport& r);
// 0 all ok (fixed entries count as ok), 1 only silent entries, 2 any stale or conflict left.
model::Status neigh_status(const model::NeighCounts& c);

}  // namespace vpcprobe::diag
