#include "vpcprobe/wire/netlink.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vpcprobe::wire {

namespace {

constexpr int kNdaFlagsExt = 15;  // NDA_FLAGS_EXT, not in every header set
constexpr int kMaxErrno = 4095;   // MAX_ERRNO in the kernel (include/linux/err.h)

Bytes finish(std::vector<char>& buf, nlmsghdr* nlh) {
  auto* p = reinterpret_cast<const std::uint8_t*>(buf.data());
  return Bytes(p, p + nlh->nlmsg_len);
}

// A message from split_netlink, viewed as nlmsghdr. split_netlink already checked that
// nlmsg_len covers the header and fits the buffer.
const nlmsghdr* header_of(ByteView message) {
  return reinterpret_cast<const nlmsghdr*>(message.data());
}

template <class Payload>
Result<const Payload*> fixed_payload(ByteView message, std::uint16_t want_type, const char* what) {
  if (message.size() < sizeof(nlmsghdr)) return fail(Errc::malformed, std::string(what) + ": truncated header");
  const nlmsghdr* nlh = header_of(message);
  if (nlh->nlmsg_len > message.size() || nlh->nlmsg_len < sizeof(nlmsghdr))
    return fail(Errc::malformed, std::string(what) + ": bad length");
  if (nlh->nlmsg_type != want_type) return fail(Errc::malformed, std::string(what) + ": unexpected message type");
  if (mnl_nlmsg_get_payload_len(nlh) < sizeof(Payload))
    return fail(Errc::malformed, std::string(what) + ": truncated payload");
  return static_cast<const Payload*>(mnl_nlmsg_get_payload(nlh));
}

// Walk a block of attributes (a message's, an error's, or one nested attribute's payload):
// cb(type, data, len) sees each attribute whose header and length fit the block. false when an
// attribute overruns the block (the walk stops there).
template <class Fn>
bool walk_attrs(const std::uint8_t* block, std::size_t n, Fn&& cb) {
  std::size_t pos = 0;
  while (pos < n) {
    if (n - pos < sizeof(nlattr)) return false;
    nlattr a;
    std::memcpy(&a, block + pos, sizeof a);
    if (a.nla_len < sizeof(nlattr) || a.nla_len > n - pos) return false;
    cb(a.nla_type & NLA_TYPE_MASK, block + pos + sizeof(nlattr), a.nla_len - sizeof(nlattr));
    pos += MNL_ALIGN(a.nla_len);  // at least 4: every pass consumes bytes
  }
  return true;
}

// Walk the attributes after a fixed payload; an attribute that overruns the message is an error.
template <class Fn>
Result<void> for_each_attr(ByteView message, std::size_t fixed, Fn&& cb) {
  const nlmsghdr* nlh = header_of(message);
  std::size_t offset = mnl_nlmsg_size(static_cast<std::size_t>(MNL_ALIGN(fixed))) ;
  if (offset > nlh->nlmsg_len) return {};  // no attributes at all
  if (!walk_attrs(message.data() + offset, nlh->nlmsg_len - offset, cb))
    return fail(Errc::malformed, "netlink: attribute overruns its message");
  return {};
}

// An address attribute: 4 bytes are IPv4, 16 bytes IPv6; any other length is not an address.
std::optional<IpAddr> ip_attr(const std::uint8_t* data, std::size_t len) {
  return IpAddr::from_bytes({data, len});
}

void put_ip(nlmsghdr* nlh, std::uint16_t type, const IpAddr& ip) {
  auto b = ip.bytes();
  mnl_attr_put(nlh, type, b.size(), b.data());
}

std::uint8_t prefix_bits(const IpAddr& ip) { return ip.is_v4() ? 32 : 128; }

std::optional<std::uint32_t> u32_attr(const std::uint8_t* data, std::size_t len) {
  if (len != 4) return std::nullopt;
  std::uint32_t v;
  std::memcpy(&v, data, 4);
  return v;
}

// NLM_F_ACK_TLVS: after the nlmsgerr (and, without NLM_F_CAPPED, the whole request it quotes)
// come attributes; NLMSGERR_ATTR_MSG is the kernel's own words for what went wrong.
std::optional<std::string> extack_message(ByteView msg) {
  const nlmsghdr* nlh = header_of(msg);
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return std::nullopt;
  if (msg.size() < sizeof(nlmsghdr) + sizeof(nlmsgerr)) return std::nullopt;
  nlmsgerr e;
  std::memcpy(&e, msg.data() + sizeof(nlmsghdr), sizeof e);
  std::size_t offset = sizeof(nlmsghdr) + sizeof(nlmsgerr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
    // The quoted request: its own header says how long it is.
    if (e.msg.nlmsg_len < sizeof(nlmsghdr)) return std::nullopt;
    offset += MNL_ALIGN(e.msg.nlmsg_len) - sizeof(nlmsghdr);
  }
  std::optional<std::string> text;
  const std::size_t pos = MNL_ALIGN(offset);
  if (pos >= msg.size()) return text;
  walk_attrs(msg.data() + pos, msg.size() - pos, [&](int type, const std::uint8_t* d, std::size_t n) {
    if (type != NLMSGERR_ATTR_MSG) return;
    const void* nul = std::memchr(d, 0, n);
    const std::size_t len = nul ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - d) : n;
    text = std::string(reinterpret_cast<const char*>(d), len);
  });
  return text;
}

}  // namespace

Bytes encode_route_get(const IpAddr& dst, std::uint8_t af, int oif, std::uint32_t seq) {
  return encode_route_get(dst, af, oif, seq, RouteQuery{});
}

Bytes encode_route_get(const IpAddr& dst, std::uint8_t af, int oif, std::uint32_t seq, const RouteQuery& q) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_GETROUTE;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = seq;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = af;
  rtm->rtm_dst_len = prefix_bits(dst);
  if (q.fib_match) rtm->rtm_flags |= RTM_F_FIB_MATCH;
  put_ip(nlh, RTA_DST, dst);
  if (q.src) {
    rtm->rtm_src_len = prefix_bits(*q.src);
    put_ip(nlh, RTA_SRC, *q.src);
  }
  if (q.iif > 0) mnl_attr_put_u32(nlh, RTA_IIF, static_cast<std::uint32_t>(q.iif));
  if (oif > 0) mnl_attr_put_u32(nlh, RTA_OIF, static_cast<std::uint32_t>(oif));
  return finish(buf, nlh);
}

namespace {
// A dump request of one family: the fixed headers of these requests (ndmsg, ndtmsg, ifaddrmsg)
// all begin with the family byte, and are zero otherwise.
nlmsghdr* start_dump(std::vector<char>& buf, std::uint16_t type, std::size_t fixed_len, std::uint8_t af, std::uint32_t seq) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  static_cast<std::uint8_t*>(mnl_nlmsg_put_extra_header(nlh, fixed_len))[0] = af;
  return nlh;
}
}  // namespace

Bytes encode_neigh_dump(std::uint8_t af, int ifindex, std::uint32_t seq) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = start_dump(buf, RTM_GETNEIGH, sizeof(ndmsg), af, seq);
  if (ifindex > 0) mnl_attr_put_u32(nlh, NDA_IFINDEX, static_cast<std::uint32_t>(ifindex));
  return finish(buf, nlh);
}

Bytes encode_neightbl_dump(std::uint8_t af, std::uint32_t seq) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  return finish(buf, start_dump(buf, RTM_GETNEIGHTBL, sizeof(ndtmsg), af, seq));
}

Bytes encode_link_get(int ifindex, const std::string& name, std::uint32_t seq) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_GETLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = seq;
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  if (ifindex <= 0 && !name.empty()) mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  return finish(buf, nlh);
}

namespace {
Bytes neigh_change(std::uint16_t type, std::uint16_t flags, std::uint8_t af, int ifindex, const IpAddr& ip, const Mac* mac,
                   std::uint32_t seq) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  nlh->nlmsg_seq = seq;
  auto* ndm = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ndmsg)));
  ndm->ndm_family = af;
  ndm->ndm_ifindex = ifindex;
  ndm->ndm_state = mac ? NUD_REACHABLE : 0;
  put_ip(nlh, NDA_DST, ip);
  if (mac) mnl_attr_put(nlh, NDA_LLADDR, mac->bytes.size(), mac->bytes.data());
  return finish(buf, nlh);
}
}  // namespace

Bytes encode_neigh_replace(std::uint8_t af, int ifindex, const IpAddr& ip, const Mac& mac, std::uint32_t seq) {
  return neigh_change(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, af, ifindex, ip, &mac, seq);
}

Bytes encode_neigh_delete(std::uint8_t af, int ifindex, const IpAddr& ip, std::uint32_t seq) {
  return neigh_change(RTM_DELNEIGH, 0, af, ifindex, ip, nullptr, seq);
}

Bytes encode_addr_dump(std::uint8_t af, std::uint32_t seq) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  return finish(buf, start_dump(buf, RTM_GETADDR, sizeof(ifaddrmsg), af, seq));
}

Result<NetlinkBatch> split_netlink(ByteView datagram) {
  NetlinkBatch batch;
  // Netlink headers are read in place; the receive buffers we hand in are suitably aligned.
  if (reinterpret_cast<std::uintptr_t>(datagram.data()) % alignof(nlmsghdr) != 0)
    return fail(Errc::malformed, "netlink: unaligned buffer");
  std::size_t offset = 0;
  while (offset < datagram.size()) {
    std::size_t left = datagram.size() - offset;
    if (left < sizeof(nlmsghdr)) return fail(Errc::malformed, "netlink: truncated message header");
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(datagram.data() + offset);
    if (nlh->nlmsg_len < sizeof(nlmsghdr) || nlh->nlmsg_len > left)
      return fail(Errc::malformed, "netlink: message length does not fit the datagram");
    ByteView msg = datagram.subspan(offset, nlh->nlmsg_len);
    if (nlh->nlmsg_type == NLMSG_DONE) {
      batch.done = true;
      batch.done_seq = nlh->nlmsg_seq;
    } else if (nlh->nlmsg_type == NLMSG_ERROR) {
      if (nlh->nlmsg_len < sizeof(nlmsghdr) + sizeof(int))
        return fail(Errc::malformed, "netlink: truncated error message");
      int err;
      std::memcpy(&err, datagram.data() + offset + sizeof(nlmsghdr), sizeof(int));
      // The kernel sends a negated errno (Linux's are below 4096), or 0 for an ack. Anything else
      // would come out as a negative "errno", and INT_MIN cannot even be negated.
      if (err > 0 || err < -kMaxErrno) return fail(Errc::malformed, "netlink: error code is not an errno");
      batch.error = -err;
      batch.error_seq = nlh->nlmsg_seq;
      batch.error_message = extack_message(msg);
    } else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
      batch.messages.push_back(msg);
    }
    offset += std::min<std::size_t>(MNL_ALIGN(nlh->nlmsg_len), left);
  }
  return batch;
}

Result<model::NeighEntry> decode_neigh(ByteView message) {
  auto ndm = fixed_payload<ndmsg>(message, RTM_NEWNEIGH, "neigh");
  if (!ndm) return std::unexpected(ndm.error());
  model::NeighEntry e;
  e.ifindex = (*ndm)->ndm_ifindex;
  e.state = (*ndm)->ndm_state;
  e.flags = (*ndm)->ndm_flags;
  bool have_dst = false;
  auto walked = for_each_attr(message, sizeof(ndmsg), [&](int type, const std::uint8_t* d, std::size_t n) {
    if (type == NDA_DST) {
      if (auto ip = ip_attr(d, n)) { e.ip = *ip; have_dst = true; }
    } else if (type == NDA_LLADDR && n == 6) {
      Mac m;
      std::memcpy(m.bytes.data(), d, 6);
      e.mac = m;
    } else if (type == kNdaFlagsExt) {
      if (auto v = u32_attr(d, n)) e.ext_flags = *v;
    } else if (type == NDA_CACHEINFO && n >= sizeof(nda_cacheinfo)) {
      nda_cacheinfo ci;
      std::memcpy(&ci, d, sizeof ci);
      // clock_t ticks ago (USER_HZ, 100 per second on Linux): milliseconds, saturating.
      auto ms = [](std::uint32_t ticks) { return static_cast<std::uint64_t>(ticks) * 10; };
      e.cache = model::NeighCacheInfo{ms(ci.ndm_confirmed), ms(ci.ndm_used), ms(ci.ndm_updated), ci.ndm_refcnt};
    } else if (type == NDA_PROBES) {
      if (auto v = u32_attr(d, n)) e.probes = *v;
    }
  });
  if (!walked) return std::unexpected(walked.error());
  if (!have_dst) return fail(Errc::malformed, "neigh: entry without an IP destination");
  return e;
}

namespace {
std::optional<std::uint64_t> u64_attr(const std::uint8_t* data, std::size_t len) {
  if (len != 8) return std::nullopt;
  std::uint64_t v;
  std::memcpy(&v, data, 8);
  return v;
}
}  // namespace

namespace {
// NDTA_PARMS: nested NDTPA_* attributes, each checked against the bytes there are.
// The neighbor tables vpcprobe reads: ARP (AF_INET) and NDP (AF_INET6); others (AF_BRIDGE, ...) not.
std::optional<Family> neighbor_family(std::uint8_t af) {
  if (af == AF_INET) return Family::v4;
  if (af == AF_INET6) return Family::v6;
  return std::nullopt;
}

model::NeighIfParms nested_parms(const std::uint8_t* d, std::size_t n) {
  model::NeighIfParms p;
  walk_attrs(d, n, [&](int type, const std::uint8_t* pd, std::size_t pn) {
    switch (type) {
      case NDTPA_IFINDEX: if (auto v = u32_attr(pd, pn)) p.ifindex = static_cast<int>(*v); break;
      case NDTPA_BASE_REACHABLE_TIME: if (auto v = u64_attr(pd, pn)) p.base_reachable_time_ms = *v; break;
      case NDTPA_GC_STALETIME: if (auto v = u64_attr(pd, pn)) p.gc_staletime_ms = *v; break;
      default: break;
    }
  });
  return p;
}
}  // namespace

Result<std::optional<NeighTblParms>> decode_neightbl_parms(ByteView message) {
  auto ndt = fixed_payload<ndtmsg>(message, RTM_NEWNEIGHTBL, "neighbor table");
  if (!ndt) return std::unexpected(ndt.error());
  NeighTblParms out;
  const auto family = neighbor_family((*ndt)->ndtm_family);
  if (!family) return std::optional<NeighTblParms>();
  out.family = *family;
  bool have_config = false, have_parms = false;
  auto walked = for_each_attr(message, sizeof(ndtmsg), [&](int type, const std::uint8_t* d, std::size_t n) {
    if (type == NDTA_CONFIG) have_config = true;
    if (type == NDTA_PARMS) {
      out.parms = nested_parms(d, n);
      have_parms = true;
    }
  });
  if (!walked) return std::unexpected(walked.error());
  if (have_config || !have_parms || out.parms.ifindex <= 0) return std::optional<NeighTblParms>();
  return std::optional<NeighTblParms>(out);
}

Result<std::optional<model::NeighTable>> decode_neightbl(ByteView message) {
  auto ndt = fixed_payload<ndtmsg>(message, RTM_NEWNEIGHTBL, "neighbor table");
  if (!ndt) return std::unexpected(ndt.error());
  model::NeighTable t;
  const auto family = neighbor_family((*ndt)->ndtm_family);
  if (!family) return std::optional<model::NeighTable>();
  t.family = *family;
  bool have_config = false;
  auto walked = for_each_attr(message, sizeof(ndtmsg), [&](int type, const std::uint8_t* d, std::size_t n) {
    switch (type) {
      case NDTA_NAME: {
        const void* nul = std::memchr(d, 0, n);
        const std::size_t len = nul ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - d) : n;
        t.name.assign(reinterpret_cast<const char*>(d), std::min<std::size_t>(len, 64));
        break;
      }
      case NDTA_THRESH1: if (auto v = u32_attr(d, n)) t.gc_thresh1 = *v; break;
      case NDTA_THRESH2: if (auto v = u32_attr(d, n)) t.gc_thresh2 = *v; break;
      case NDTA_THRESH3: if (auto v = u32_attr(d, n)) t.gc_thresh3 = *v; break;
      case NDTA_GC_INTERVAL: if (auto v = u64_attr(d, n)) t.gc_interval_ms = *v; break;
      case NDTA_CONFIG:
        if (n >= sizeof(ndt_config)) {
          ndt_config c;
          std::memcpy(&c, d, sizeof c);
          t.entries_host = c.ndtc_entries;
          have_config = true;
        }
        break;
      case NDTA_STATS:
        if (n >= sizeof(ndt_stats)) {
          ndt_stats s;
          std::memcpy(&s, d, sizeof s);
          auto& k = t.counters;
          k.allocs = s.ndts_allocs;
          k.destroys = s.ndts_destroys;
          k.hash_grows = s.ndts_hash_grows;
          k.res_failed = s.ndts_res_failed;
          k.lookups = s.ndts_lookups;
          k.hits = s.ndts_hits;
          k.rcv_probes_mcast = s.ndts_rcv_probes_mcast;
          k.rcv_probes_ucast = s.ndts_rcv_probes_ucast;
          k.periodic_gc_runs = s.ndts_periodic_gc_runs;
          k.forced_gc_runs = s.ndts_forced_gc_runs;
          k.table_fulls = s.ndts_table_fulls;
        }
        break;
      case NDTA_PARMS: {
        auto p = nested_parms(d, n);
        t.base_reachable_time_ms = p.base_reachable_time_ms;
        t.gc_staletime_ms = p.gc_staletime_ms;
        break;
      }
      default: break;
    }
  });
  if (!walked) return std::unexpected(walked.error());
  if (!have_config) return std::optional<model::NeighTable>();  // one interface's parameters
  return std::optional<model::NeighTable>(std::move(t));
}

Result<model::RouteInfo> decode_route(ByteView message) {
  auto rtm = fixed_payload<rtmsg>(message, RTM_NEWROUTE, "route");
  if (!rtm) return std::unexpected(rtm.error());
  model::RouteInfo r;
  switch ((*rtm)->rtm_type) {
    case RTN_UNICAST: r.type = model::RouteType::unicast; break;
    case RTN_LOCAL: r.type = model::RouteType::local; break;
    case RTN_BROADCAST: r.type = model::RouteType::broadcast; break;
    case RTN_MULTICAST: r.type = model::RouteType::multicast; break;
    case RTN_BLACKHOLE: r.type = model::RouteType::blackhole; break;
    case RTN_UNREACHABLE: r.type = model::RouteType::unreachable; break;
    case RTN_PROHIBIT: r.type = model::RouteType::prohibit; break;
    case RTN_THROW: r.type = model::RouteType::throw_; break;
    default: r.type = model::RouteType::other; break;
  }
  r.table = (*rtm)->rtm_table;
  r.dst_len = (*rtm)->rtm_dst_len;
  auto walked = for_each_attr(message, sizeof(rtmsg), [&](int type, const std::uint8_t* d, std::size_t n) {
    if (type == RTA_OIF) {
      if (auto v = u32_attr(d, n)) r.oif = static_cast<int>(*v);
    } else if (type == RTA_GATEWAY) {
      r.gateway = ip_attr(d, n);
    } else if (type == RTA_PREFSRC) {
      r.prefsrc = ip_attr(d, n);
    } else if (type == RTA_TABLE) {
      if (auto v = u32_attr(d, n)) r.table = *v;
    }
  });
  if (!walked) return std::unexpected(walked.error());
  return r;
}

Result<model::LinkInfo> decode_link(ByteView message) {
  auto ifi = fixed_payload<ifinfomsg>(message, RTM_NEWLINK, "link");
  if (!ifi) return std::unexpected(ifi.error());
  model::LinkInfo l;
  l.ifindex = (*ifi)->ifi_index;
  l.flags = (*ifi)->ifi_flags;
  l.type = (*ifi)->ifi_type;
  auto walked = for_each_attr(message, sizeof(ifinfomsg), [&](int type, const std::uint8_t* d, std::size_t n) {
    if (type == IFLA_IFNAME) {
      // A name must be NUL-terminated inside its attribute.
      const void* nul = std::memchr(d, 0, n);
      if (nul) l.name.assign(reinterpret_cast<const char*>(d), static_cast<const std::uint8_t*>(nul) - d);
    } else if (type == IFLA_MTU) {
      if (auto v = u32_attr(d, n)) l.mtu = *v;
    } else if (type == IFLA_OPERSTATE && n == 1) {
      l.operstate = d[0];
    } else if (type == IFLA_CARRIER && n == 1) {
      l.carrier = d[0];
    } else if (type == IFLA_ADDRESS && n == 6) {
      Mac m;
      std::memcpy(m.bytes.data(), d, 6);
      l.mac = m;
    }
  });
  if (!walked) return std::unexpected(walked.error());
  if (l.name.empty()) return fail(Errc::malformed, "link: no interface name");
  return l;
}

Result<model::AddrInfo> decode_addr(ByteView message) {
  auto ifa = fixed_payload<ifaddrmsg>(message, RTM_NEWADDR, "addr");
  if (!ifa) return std::unexpected(ifa.error());
  if ((*ifa)->ifa_prefixlen > 128) return fail(Errc::malformed, "addr: prefix longer than 128");
  model::AddrInfo a;
  a.ifindex = static_cast<int>((*ifa)->ifa_index);
  a.prefix_len = (*ifa)->ifa_prefixlen;
  std::optional<IpAddr> local, address;
  auto walked = for_each_attr(message, sizeof(ifaddrmsg), [&](int type, const std::uint8_t* d, std::size_t n) {
    if (type == IFA_LOCAL) local = ip_attr(d, n);
    if (type == IFA_ADDRESS) address = ip_attr(d, n);
  });
  if (!walked) return std::unexpected(walked.error());
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links.
  if (local) a.addr = *local;
  else if (address) a.addr = *address;
  else return fail(Errc::malformed, "addr: no address attribute");
  if (a.prefix_len > a.addr.bytes().size() * 8) return fail(Errc::malformed, "addr: prefix longer than the address");
  return a;
}

std::optional<model::RouteType> route_type_from_errno(int err) {
  switch (err) {
    case EINVAL: return model::RouteType::blackhole;
    case EHOSTUNREACH: return model::RouteType::unreachable;
    case EACCES: return model::RouteType::prohibit;
    case ENETUNREACH: return model::RouteType::no_route;
    default: return std::nullopt;
  }
}

}  // namespace vpcprobe::wire
