#pragma once
// rtnetlink requests (pure encoders) and reply decoders. No sockets here: the transport layer
// sends the bytes and hands back what the kernel answered. Decoders treat kernel bytes like
// network bytes: every length is checked before it is used.
//
// Families: requests carry the kernel's address-family number (`af`, from the transport layer's
// per-family table); decoded addresses take their family from their length (4 or 16 bytes), so
// one decoder serves IPv4 and IPv6 alike.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/neigh_health.hpp"
#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire {

// RTM_GETROUTE for one destination, as `ip route get DST [oif IFINDEX]`.
Bytes encode_route_get(const IpAddr& dst, std::uint8_t af, int oif, std::uint32_t seq);
// The same with the rest of `ip route get`: `from SRC iif IFINDEX` (the input route a packet from
// SRC arriving on IFINDEX would take: what reverse-path filtering checks), and `fibmatch` (the
// route entry that matched, with its prefix length, instead of the resolved route).
struct RouteQuery {
  std::optional<IpAddr> src;
  int iif = 0;
  bool fib_match = false;
};
Bytes encode_route_get(const IpAddr& dst, std::uint8_t af, int oif, std::uint32_t seq, const RouteQuery& q);
// RTM_GETNEIGH dump of one family's entries, optionally filtered by interface.
Bytes encode_neigh_dump(std::uint8_t af, int ifindex, std::uint32_t seq);
// RTM_GETNEIGHTBL dump (`ip -s ntable show`): every neighbor table with its thresholds, its
// configuration and its statistics, then its per-interface parameters.
Bytes encode_neightbl_dump(std::uint8_t af, std::uint32_t seq);
// RTM_GETLINK for one interface by index, or (ifindex 0) by name.
Bytes encode_link_get(int ifindex, const std::string& name, std::uint32_t seq);

// RTM_NEWNEIGH (create or replace) for ip -> mac on ifindex, state REACHABLE: the entry is handed
// back to the kernel's state machine (no PERMANENT, no extern_learn), as `ip neigh replace ... nud
// reachable`. Acknowledged (NLM_F_ACK).
Bytes encode_neigh_replace(std::uint8_t af, int ifindex, const IpAddr& ip, const Mac& mac, std::uint32_t seq);
// RTM_DELNEIGH for ip on ifindex, acknowledged.
Bytes encode_neigh_delete(std::uint8_t af, int ifindex, const IpAddr& ip, std::uint32_t seq);

// RTM_GETADDR dump of one family's addresses.
Bytes encode_addr_dump(std::uint8_t af, std::uint32_t seq);

// One datagram of netlink messages, split and classified. `error` holds a NLMSG_ERROR's errno
// (positive), 0 for an ack, with the sequence number of the request it answers and the kernel's
// extended-ack message when it sent one; `done` is set when NLMSG_DONE was seen, with its
// sequence number. A late DONE or ERROR of an earlier (timed-out) request carries that request's
// number, so it cannot end the next transaction.
struct NetlinkBatch {
  std::vector<ByteView> messages;  // each a whole nlmsghdr + payload, lengths verified
  std::optional<int> error;
  std::uint32_t error_seq = 0;
  std::optional<std::string> error_message;  // NLMSGERR_ATTR_MSG
  bool done = false;
  std::uint32_t done_seq = 0;
};
Result<NetlinkBatch> split_netlink(ByteView datagram);

// Decoders take one message as returned by split_netlink.
// decode_neigh also reads NDA_CACHEINFO (ages in ms) and NDA_PROBES when the kernel sends them.
Result<model::NeighEntry> decode_neigh(ByteView message);
// One RTM_NEWNEIGHTBL message: the table's own (with NDTA_CONFIG), or nullopt for a message that
// carries only one interface's parameters. The family comes from ndtm_family (AF_INET, AF_INET6;
// others are nullopt too).
Result<std::optional<model::NeighTable>> decode_neightbl(ByteView message);
// One interface's parameters (an RTM_NEWNEIGHTBL message whose NDTA_PARMS carry NDTPA_IFINDEX),
// with its table's family; nullopt for the table's own message and other families.
struct NeighTblParms {
  Family family = Family::v4;
  model::NeighIfParms parms;
};
Result<std::optional<NeighTblParms>> decode_neightbl_parms(ByteView message);
Result<model::RouteInfo> decode_route(ByteView message);
Result<model::LinkInfo> decode_link(ByteView message);
Result<model::AddrInfo> decode_addr(ByteView message);

// The kernel answers RTM_GETROUTE for blackhole/unreachable/prohibit routes with an errno instead
// of a route; this maps that errno to the route type it means.
std::optional<model::RouteType> route_type_from_errno(int err);

}  // namespace vpcprobe::wire
