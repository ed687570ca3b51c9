#pragma once
// The `vpcprobe arp` verdict: the kernel's cache entry (read before probing) against what answered
// on the wire. Pure: same inputs, same verdict.
#include "vpcprobe/model/arp.hpp"

namespace vpcprobe::diag {

model::ArpVerdict arp_verdict(const model::ArpReport& report);

// The `ip neigh` commands that repair a stale entry: replace with the answering MAC and hand the
// entry back to the kernel's state machine (nud reachable), or delete it so the kernel re-resolves.
std::string neigh_replace_command(const wire::Ipv4& ip, const wire::Mac& mac, const std::string& dev);
std::string neigh_delete_command(const wire::Ipv4& ip, const std::string& dev);
// Who most likely installed an entry the kernel will not heal, for the warning next to a fix.
std::string likely_owner(const model::NeighEntry& e);

}  // namespace vpcprobe::diag
