#pragma once
// The neighbor subsystem's health, read from the kernel: the tables (RTM_GETNEIGHTBL), this
// namespace's entries of both families, the per-interface ARP/NDP settings (/proc/sys/net, which
// shows the namespace this process is in) and, where the initial namespace has it, the
// unresolved-discards counter of /proc/net/stat. What it all means is diag/neigh_health's business.
#include "vpcprobe/model/neigh_health.hpp"
#include "vpcprobe/net/netlink_client.hpp"

namespace vpcprobe::probe {

// ifindex 0: every interface that speaks ARP; otherwise that one alone (the tables are the whole
// host's either way). `v4_entries`: the whole IPv4 table when the caller has just read it (else it
// is read here). With `previous` (--watch: the previous round's reading, or this round's start), the
// counters' increase since then is judged; `run_start` (the run's first reading) gives the increase
// over the whole run. Findings and status are filled in.
Result<model::NeighHealth> read_neigh_health(net::NetlinkClient& nl, int ifindex, const std::vector<model::NeighEntry>* v4_entries,
                                             const std::vector<model::NeighTable>* previous,
                                             const std::vector<model::NeighTable>* run_start);

}  // namespace vpcprobe::probe
