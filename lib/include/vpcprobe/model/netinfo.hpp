#pragma once
// What the kernel says about a destination: the route it would use, the output link, and the
// neighbor (ARP) entry of the next hop. Plain data, filled from rtnetlink.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::model {

// NUD_* bits as the kernel defines them (include/uapi/linux/neighbour.h).
namespace nud {
inline constexpr std::uint16_t incomplete = 0x01, reachable = 0x02, stale = 0x04, delay = 0x08,
                               probe = 0x10, failed = 0x20, noarp = 0x40, permanent = 0x80;
}
// NTF_* bits of ndm_flags, and NTF_EXT_* bits of NDA_FLAGS_EXT.
namespace ntf {
inline constexpr std::uint8_t use = 0x01, self = 0x02, master = 0x04, proxy = 0x08,
                              extern_learn = 0x10, offloaded = 0x20, sticky = 0x40, router = 0x80;
inline constexpr std::uint32_t ext_managed = 0x01;
}  // namespace ntf

// NDA_CACHEINFO: how long ago the kernel last confirmed, used and updated an entry.
struct NeighCacheInfo {
  std::uint64_t confirmed_ms = 0, used_ms = 0, updated_ms = 0;
  std::uint32_t refcnt = 0;
};

struct NeighEntry {
  int ifindex = 0;
  wire::IpAddr ip;
  std::optional<wire::Mac> mac;
  std::uint16_t state = 0;
  std::uint8_t flags = 0;
  std::uint32_t ext_flags = 0;
  std::optional<NeighCacheInfo> cache;  // ages, not identity: not compared
  std::optional<std::uint32_t> probes;  // NDA_PROBES: probes sent without an answer

  bool is_permanent() const { return (state & nud::permanent) != 0; }
  bool is_noarp() const { return (state & nud::noarp) != 0; }
  bool is_extern_learn() const { return (flags & ntf::extern_learn) != 0; }
  bool is_managed() const { return (ext_flags & ntf::ext_managed) != 0; }
  // True when the kernel's own state machine will re-resolve this entry when it goes bad.
  bool kernel_heals() const { return !is_permanent() && !is_noarp() && !is_extern_learn(); }
  // The same entry in the same state (the ages and probe counts move on by themselves).
  bool operator==(const NeighEntry& o) const {
    return ifindex == o.ifindex && ip == o.ip && mac == o.mac && state == o.state && flags == o.flags && ext_flags == o.ext_flags;
  }
};

std::string neigh_state_name(std::uint16_t state);        // "REACHABLE", "PERMANENT", "STALE|..."
std::vector<std::string> neigh_flag_names(const NeighEntry& e);  // "extern_learn", "managed", ...

// What a plain listing marks on an entry: FAILED/INCOMPLETE entries are unresolved; entries the
// kernel will not re-resolve (PERMANENT, extern_learn, managed) are pinned.
enum class NeighMarker { none = 1, unresolved, pinned };
NeighMarker neigh_marker(const NeighEntry& e);
std::string neigh_marker_name(NeighMarker m);  // "", "unresolved", "pinned"

// Who most likely installed an entry the kernel will not heal.
enum class NeighOwner { kernel = 1, administrator, external_agent };
NeighOwner likely_owner(const NeighEntry& e);

enum class RouteType {
  unicast = 1, local, broadcast, multicast, blackhole, unreachable, prohibit, throw_, no_route, other
};
std::string route_type_name(RouteType t);

struct RouteInfo {
  RouteType type = RouteType::other;
  int oif = 0;
  std::optional<wire::IpAddr> gateway;
  std::optional<wire::IpAddr> prefsrc;
  std::uint32_t table = 0;
  std::uint8_t dst_len = 0;  // the destination prefix: the matched entry's with fibmatch, else the host's
  // The address whose neighbor entry carries the traffic: the gateway, or the target when on-link.
  wire::IpAddr next_hop(const wire::IpAddr& target) const { return gateway ? *gateway : target; }
  bool usable() const { return type == RouteType::unicast || type == RouteType::local; }
};

// IFF_* bits we care about.
namespace iff {
inline constexpr std::uint32_t up = 0x1, broadcast = 0x2, loopback = 0x8, pointopoint = 0x10,
                               noarp = 0x80, lower_up = 0x10000;
}

struct LinkInfo {
  int ifindex = 0;
  std::string name;
  std::uint32_t flags = 0;
  std::uint16_t type = 0;     // ARPHRD_*: 1 = Ethernet, 772 = loopback
  std::uint8_t operstate = 0; // IF_OPER_*: 6 = up, 2 = down, 0 = unknown
  std::uint32_t mtu = 0;
  std::optional<std::uint8_t> carrier;
  std::optional<wire::Mac> mac;

  bool admin_up() const { return (flags & iff::up) != 0; }
  bool lower_up() const { return (flags & iff::lower_up) != 0; }
  bool is_ethernet() const { return type == 1; }
};
std::string operstate_name(std::uint8_t operstate);

// An address configured on an interface.
struct AddrInfo {
  int ifindex = 0;
  wire::IpAddr addr;
  std::uint8_t prefix_len = 0;
  bool contains(const wire::IpAddr& ip) const { return wire::IpPrefix{addr, prefix_len}.contains(ip); }
};

}  // namespace vpcprobe::model
