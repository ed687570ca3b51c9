#pragma once
// Read-only rtnetlink queries: route lookup, neighbor entries, link state. They are answered by the
// local kernel in microseconds, so they run synchronously (with a receive timeout as a guard)
// before any probe is started; no privilege is needed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/sys/fd.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::net {

class NetlinkClient {
 public:
  static Result<NetlinkClient> open();

  // As `ip route get DST [oif IF]`. Blackhole/unreachable/prohibit/no route come back as a
  // RouteInfo of that type, not as an error.
  Result<model::RouteInfo> route_get(const wire::Ipv4& dst, int oif = 0);
  Result<std::vector<model::NeighEntry>> neigh_dump(int ifindex = 0);
  Result<std::optional<model::NeighEntry>> neigh_get(const wire::Ipv4& ip, int ifindex);
  Result<model::LinkInfo> link(int ifindex);
  Result<model::LinkInfo> link_by_name(const std::string& name);
  Result<std::vector<model::AddrInfo>> addresses();
  // Writes (CAP_NET_ADMIN, held by this process while it sends): Errc::permission without it.
  Result<void> neigh_replace(int ifindex, const wire::Ipv4& ip, const wire::Mac& mac);
  Result<void> neigh_delete(int ifindex, const wire::Ipv4& ip);

 private:
  explicit NetlinkClient(sys::UniqueFd fd) : fd_(std::move(fd)) {}
  // Sends one request and collects reply messages (until NLMSG_DONE for dumps).
  Result<std::vector<std::vector<std::uint8_t>>> transact(const std::vector<std::uint8_t>& request,
                                                          bool dump, int* kernel_errno);
  sys::UniqueFd fd_;
  std::uint32_t seq_ = 1;
};

}  // namespace vpcprobe::net
