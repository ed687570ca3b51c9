#pragma once
// rtnetlink queries: route lookup, neighbor entries, link state, addresses; and the two writes
// `neigh --fix` makes. They are answered by the local kernel in microseconds, so they run
// synchronously (with a receive timeout as a guard) before any probe is started; reads need no
// privilege.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/sys/fd.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/netlink.hpp"

namespace vpcprobe::net {

class NetlinkClient {
 public:
  static Result<NetlinkClient> open();

  // As `ip route get DST [oif IF]`. Blackhole/unreachable/prohibit/no route come back as a
  // RouteInfo of that type, not as an error.
  Result<model::RouteInfo> route_get(const wire::IpAddr& dst, int oif = 0);
  // As `ip route get fibmatch DST`: the route entry that matched, with its prefix length (0: the
  // default route).
  Result<model::RouteInfo> route_match(const wire::IpAddr& dst);
  // Would a packet from `src` to `dst` arriving on `iif` be accepted, as `ip route get DST from SRC
  // iif IF` says? false when reverse-path filtering refuses it (EXDEV).
  Result<bool> input_route_ok(const wire::IpAddr& dst, const wire::IpAddr& src, int iif);
  Result<std::vector<model::NeighEntry>> neigh_dump(wire::Family family, int ifindex = 0);
  // The kernel's neighbor tables (IPv4 and IPv6): thresholds, host-wide entry count, statistics.
  Result<std::vector<model::NeighTable>> neigh_tables();
  Result<std::optional<model::NeighEntry>> neigh_get(const wire::IpAddr& ip, int ifindex);
  Result<model::LinkInfo> link(int ifindex);
  Result<model::LinkInfo> link_by_name(const std::string& name);
  Result<std::vector<model::AddrInfo>> addresses(wire::Family family);
  // Writes (CAP_NET_ADMIN, held by this process while it sends): Errc::permission without it; any
  // other refusal carries the kernel's own message when it gave one.
  Result<void> neigh_replace(int ifindex, const wire::IpAddr& ip, const wire::Mac& mac);
  Result<void> neigh_delete(int ifindex, const wire::IpAddr& ip);

 private:
  explicit NetlinkClient(sys::UniqueFd fd) : fd_(std::move(fd)) {}
  struct Reply {
    std::vector<std::vector<std::uint8_t>> messages;
    int kernel_errno = 0;
    std::optional<std::string> kernel_message;  // extended ack
  };
  // Sends one request and collects the messages that answer it (until NLMSG_DONE for dumps).
  // Messages, DONE and ERROR of other requests (a late answer to one that timed out) are skipped.
  // With `each`, every answering message goes to it (during the call) instead of into the Reply.
  Result<Reply> transact(const std::vector<std::uint8_t>& request, bool dump,
                         const std::function<void(wire::ByteView)>& each = {});
  // RTM_GETROUTE for dst with the query's options; unreachable/prohibit/blackhole answers are routes.
  Result<model::RouteInfo> route_query(const wire::IpAddr& dst, int oif, const wire::RouteQuery& q, const char* what);
  sys::UniqueFd fd_;
  std::uint32_t seq_ = 1;
};

}  // namespace vpcprobe::net
