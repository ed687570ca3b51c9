#pragma once
// The neighbor audit's I/O: the table and its interfaces read from the kernel, every verifiable
// entry ARP-probed at once under a packet rate, the fixes written back, and the table read again.
// `vpcprobe neigh` (once or every --watch interval) and `vpcprobe check`'s [[neigh]] audits use it;
// what the answers mean is diag/neigh_audit's business.
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "vpcprobe/model/endpoint.hpp"
#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/probe/operation.hpp"

namespace vpcprobe::probe {

// The interfaces' links and addresses the probes need (MAC and a source IP per interface).
struct InterfaceView {
  std::vector<model::LinkInfo> links;
  std::vector<model::AddrInfo> addrs;
  const model::LinkInfo* link(int ifindex) const;
  // An address of ifindex of ip's family, preferably in the same subnet as ip.
  std::optional<wire::IpAddr> source_for(int ifindex, const wire::IpAddr& ip) const;
};

// The table as it is now (one interface, or all with ifindex 0), each entry an unchecked audit
// with its interface's name, and the interfaces the probes will need.
struct AuditTable {
  std::vector<model::NeighAudit> audits;
  InterfaceView interfaces;
};
Result<AuditTable> read_audit_table(net::NetlinkClient& nl, int ifindex, model::FamilyPolicy families = {});

struct VerifySpec {
  double rate_pps = 1000;                   // ARP requests per second, all interfaces together
  std::chrono::milliseconds timeout{1000};  // each entry's wait for answers
  std::function<void(std::size_t done, std::size_t total)> progress;  // optional
};

// Probes every audit that is neither unverifiable (see diag::mark_unverifiable) nor already
// probed, all in one ARP sweep (probe/arp_sweep: broadcast first, unicast to the cached MAC only
// for the unanswered) that keeps the packet rate at rate_pps. Each audit gets its probe result and
// the MACs that answered when `done` calls the `apply` it is handed (so that an owner gone by then
// never has its audits written to), with the sweep's figures.
// Returns the sweep so a signal or a deadline can cancel it.
using ApplyResults = std::function<void(std::vector<model::NeighAudit>& audits)>;
OperationPtr async_verify(asio::io_context& io, net::Channel& arp, const InterfaceView& ifaces,
                          std::vector<model::NeighAudit>& audits, const VerifySpec& spec,
                          std::function<void(ApplyResults apply, model::ArpSweepStats)> done);

// Writes the planned fixes (audit.fix, not skipped) to the kernel; each records applied or the
// kernel's error. `on_change` sees every attempt (for the log line).
void apply_fixes(net::NetlinkClient& nl, std::vector<model::NeighAudit>& audits,
                 const std::function<void(const model::NeighAudit&)>& on_change);

// Reads each audited entry again (after probing and fixing).
// Returns the table as read (sorted by interface and address).
Result<std::vector<model::NeighEntry>> read_after(net::NetlinkClient& nl, int ifindex, std::vector<model::NeighAudit>& audits,
                                                  model::FamilyPolicy families = {});

// The IPv6 entries' wire check: one NDP probe (probe/arp.hpp) per entry on the NDP channel, started
// 2/rate_pps apart (each sends up to two solicitations a round), two rounds: multicast to the
// solicited-node group and unicast to the cached MAC, ending at the first answered round plus a
// short grace for a second MAC. The IPv4 entries are left to async_verify.
OperationPtr async_verify_ndp(asio::io_context& io, net::Channel& ndp, const InterfaceView& ifaces,
                              std::vector<model::NeighAudit>& audits, const VerifySpec& spec,
                              std::function<void(ApplyResults apply)> done);

}  // namespace vpcprobe::probe
