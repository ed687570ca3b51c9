#pragma once
// Verifies many neighbor entries on the wire at once: one ARP operation per entry (broadcast, and
// unicast to the cached MAC), started at a pace that keeps the packet rate under `rate_pps`.
#include <chrono>
#include <functional>
#include <vector>

#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/probe/operation.hpp"

namespace vpcprobe::probe {

struct VerifySpec {
  double rate_pps = 1000;                   // ARP requests per second, all interfaces together
  std::chrono::milliseconds timeout{1000};  // each entry's wait for answers
  std::function<void(std::size_t done, std::size_t total)> progress;  // optional
};

// The interfaces' links and addresses the probes need (MAC and a source IP per interface).
struct InterfaceView {
  std::vector<model::LinkInfo> links;
  std::vector<model::AddrInfo> addrs;
  const model::LinkInfo* link(int ifindex) const;
  // An address of ifindex, preferably in the same subnet as ip.
  std::optional<wire::Ipv4> source_for(int ifindex, const wire::Ipv4& ip) const;
};
Result<InterfaceView> read_interfaces(net::NetlinkClient& nl, const std::vector<model::NeighEntry>& entries);

// Classifies every verifiable entry of `audits` (the others get not_verifiable and a reason);
// `done` runs when all are classified. `audits` must outlive the operation. Returns the schedule
// so a signal can cancel it.
std::shared_ptr<Schedule> async_verify(asio::io_context& io, net::Channel& arp, const InterfaceView& ifaces,
                                       std::vector<model::NeighAudit>& audits, const VerifySpec& spec,
                                       std::function<void()> done);

}  // namespace vpcprobe::probe
