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
#include "vpcprobe/probe/identity.hpp"
#include "vpcprobe/probe/operation.hpp"

namespace vpcprobe::probe {

// The sockets a diagnosis may use; a missing one comes with the reason (e.g. missing CAP_NET_RAW).
struct PathSockets {
  net::Channel* arp = nullptr;
  std::string arp_missing;
  net::Channel* icmp = nullptr;        // plain echo
  net::Channel* icmp_df = nullptr;     // DF echoes for the MTU layer
  model::ProbeMethod icmp_method = model::ProbeMethod::raw;
  std::uint16_t icmp_id = 0, icmp_df_id = 0;
  std::string icmp_missing;
  net::Channel* tcp_raw = nullptr;     // with icmp (raw) for rejections; else connect()
};

// Fills route, link, down_links_for_target, next_hop and neigh_before of a resolved path.
void read_kernel_view(net::NetlinkClient& nl, model::PathResult& path);
// Reads the next hop's entry again after probing.
void read_neighbor_after(net::NetlinkClient& nl, model::PathResult& path);

// The DF echo sizes (whole IP packets) tried for a link MTU: the MTU itself and common smaller
// path MTUs, largest first. Pure.
std::vector<std::uint32_t> mtu_probe_sizes(std::uint32_t link_mtu);

// Starts the probes; `done` runs when all have completed. Results land in `path`, which must
// outlive the operations. Returns the handles so a deadline can cancel them.
std::vector<OperationPtr> run_path_probes(asio::io_context& io, const PathSockets& sockets, const Identity& identity,
                                          int path_index, model::PathResult& path, std::chrono::milliseconds timeout,
                                          std::function<void()> done);

}  // namespace vpcprobe::probe
