#pragma once
// Runs every layer's check of one path at once: the kernel's view (route, link, addresses,
// neighbor entry) synchronously over netlink, then ARP to the next hop, an ICMP echo, DF echoes of
// several sizes and a TCP SYN concurrently on the shared io_context.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/probe/family.hpp"
#include "vpcprobe/wire/identity.hpp"
#include "vpcprobe/probe/operation.hpp"

namespace vpcprobe::probe {

// The sockets of one family a diagnosis may use; a missing one comes with the reason.
struct PathFamilySockets {
  net::Channel* icmp = nullptr;        // plain echo
  net::Channel* icmp_df = nullptr;     // DF echoes for the MTU layer
  model::ProbeMethod icmp_method = model::ProbeMethod::raw;
  std::uint16_t icmp_id = 0, icmp_df_id = 0;
  std::optional<model::NotRun> icmp_missing;
  std::optional<model::NotRun> icmp_df_missing;
  net::Channel* tcp_raw = nullptr;     // with icmp (raw) for rejections; else connect()
};
// The sockets a diagnosis may use; a missing one comes with the reason (e.g. missing CAP_NET_RAW).
struct PathSockets {
  net::Channel* arp = nullptr;         // IPv4 neighbors
  std::optional<model::NotRun> arp_missing;
  net::Channel* ndp = nullptr;         // IPv6 neighbors
  std::optional<model::NotRun> ndp_missing;
  PathFamilySockets v4, v6;
  net::Channel* witness = nullptr;     // AF_PACKET view of every interface (with CAP_NET_RAW)
  const PathFamilySockets& of(wire::Family f) const { return f == wire::Family::v4 ? v4 : v6; }
};

// How hard each layer is probed: the series' length and the time it all may take.
struct PathPlan {
  std::chrono::milliseconds timeout{1000};
  int count = 5;          // echoes and raw SYNs per series (connect(): at most 3), more on disagreement
  static constexpr int kMaxCount = 16;
};

// Where a neighbor of this host is reached: the route the kernel picks for it (or through a given
// interface), that interface, the source address to ask from, and the kernel's entry for it.
// No usable route (without a given interface) is Errc::not_found.
struct NeighborView {
  model::RouteInfo route;
  model::LinkInfo link;
  std::optional<wire::IpAddr> source;     // the route's preferred source
  std::optional<model::NeighEntry> entry; // the kernel's entry for the address, before probing
};
Result<NeighborView> read_neighbor_view(net::NetlinkClient& nl, const wire::IpAddr& ip, int oif = 0);

// The source address the kernel would send from to dst (through `interface`, when given): what a
// raw SYN carries and is matched on. No usable route is Errc::unreachable.
Result<wire::IpAddr> source_address(net::NetlinkClient& nl, const wire::IpAddr& dst, const std::string& interface);

// Fills route, link, down_links_for_target, next_hop and neigh_before of a resolved path; a kernel
// query that fails is recorded as the layer's NotRun, never as absent data.
void read_kernel_view(net::NetlinkClient& nl, model::PathResult& path);
// Reads the next hop's entry again after probing.
void read_neighbor_after(net::NetlinkClient& nl, model::PathResult& path);

// The DF echo sizes (whole IP packets) tried for a link MTU: the MTU itself and common smaller
// path MTUs, largest first, down to 576 (IPv4) or 1280 (IPv6). Pure.
std::vector<std::uint32_t> mtu_probe_sizes(std::uint32_t link_mtu, wire::Family family = wire::Family::v4);

// Starts the probes; `done` runs when all have completed. Results land in `path`, which must
// outlive the operations. Returns the handles so a deadline can cancel them.
std::vector<OperationPtr> run_path_probes(asio::io_context& io, const PathSockets& sockets, const wire::Identity& identity,
                                          int path_index, model::PathResult& path, const PathPlan& plan,
                                          std::function<void()> done);

// After the probes: names the witness's interfaces, their rp_filter and the kernel's own
// reverse-path verdict on the answers' way in; reads which route entry matched (the default
// route?). Kernel queries only: nothing is sent.
void read_after_probes(net::NetlinkClient& nl, model::PathResult& path);

}  // namespace vpcprobe::probe
