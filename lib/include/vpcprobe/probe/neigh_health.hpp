#pragma once
// The neighbor subsystem's health, read from the kernel: the tables (RTM_GETNEIGHTBL), this
// namespace's entries of both families, the per-interface ARP/NDP settings (/proc/sys/net, which
// shows the namespace this process is in) and, where the initial namespace has it, the
// unresolved-discards counter of /proc/net/stat. What it all means is diag/neigh_health's business.
#include "vpcprobe/model/neigh_health.hpp"
#include "vpcprobe/net/netlink_client.hpp"

namespace vpcprobe::probe {

// ifindex 0: every interface that speaks ARP; otherwise that one alone (the tables are the whole
// host's either way). With `baseline` (the first --watch round), the counters' increase since then
// is judged too; `watch` without a baseline (the first round) makes this read the baseline, with
// every increase zero. Findings and status are filled in.
Result<model::NeighHealth> read_neigh_health(net::NetlinkClient& nl, int ifindex, const model::NeighHealth* baseline, bool watch);

}  // namespace vpcprobe::probe
