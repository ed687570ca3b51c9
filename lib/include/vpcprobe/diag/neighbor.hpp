#pragma once
// What the wire says about a neighbor entry, for `vpcprobe arp`, the neighbor layer of `diagnose`
// and the `neigh` audit alike. Pure: same inputs, same finding.
#include <optional>

#include "vpcprobe/model/arp.hpp"

namespace vpcprobe::diag {

// consistent / stale / silent / conflict: what answered, against the MAC cached before probing.
model::NeighFinding neigh_finding(const std::optional<model::NeighEntry>& before, const model::ArpProbeResult& probe);

// The `vpcprobe arp` verdict: the kernel's entry (read before probing) against the wire.
model::ArpVerdict arp_verdict(const model::ArpReport& report);

}  // namespace vpcprobe::diag
