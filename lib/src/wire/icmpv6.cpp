#include "vpcprobe/wire/icmpv6.hpp"

#include "quoted.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/wire/ethernet.hpp"

namespace vpcprobe::wire {

namespace {
constexpr std::size_t kChecksumOffset = 2;
// RFC 4443 errors quote as much of the packet as fits in 1280 bytes; we need the first 8 bytes of
// the upper layer: ports and sequence, or the echo id/seq.
constexpr std::size_t kQuotedPayloadMin = 8;
constexpr std::size_t kTargetLen = 16;
constexpr std::size_t kOptionUnit = 8;
constexpr std::uint8_t kEthernetLladdrUnits = 1;  // 2 bytes type/length + 6 bytes MAC
constexpr std::uint32_t kFlagRouter = 0x80000000u, kFlagSolicited = 0x40000000u, kFlagOverride = 0x20000000u;

// A non-first fragment quotes data from the middle of the datagram, not an upper-layer header.
bool quotes_upper_header(const Icmpv6Error& e, std::uint8_t protocol) {
  return e.quoted.protocol == protocol && e.quoted.fragment_offset == 0;
}

// The fixed part of a solicitation or advertisement: type and code right, and the 16-byte target
// (after the 4-byte reserved/flags word, which decode_icmpv6 already put in `rest`).
Result<std::pair<Ipv6, ByteView>> ndp_target(const Icmpv6Message& msg, std::uint8_t type, const char* who) {
  if (msg.type != type) return fail(Errc::malformed, std::string(who) + ": wrong ICMPv6 type");
  if (msg.code != 0) return fail(Errc::malformed, std::string(who) + ": code is not 0");
  Reader r(msg.body);
  auto target = r.take(kTargetLen);
  if (!target) return fail(Errc::malformed, std::string(who) + ": truncated target");
  Ipv6 a;
  std::copy(target->begin(), target->end(), a.bytes.begin());
  return std::pair{a, r.rest()};
}

// Walks every NDP option (RFC 4861 4.6): type, length in units of 8 bytes (0 refuses the whole
// message: the walk could not advance), and the option inside the message. Returns the MAC of the
// first option of type `want` with the Ethernet length (1); later ones, and ones of another
// length, are skipped. A malformed option anywhere refuses the message, even after a match.
Result<std::optional<Mac>> find_lladdr(ByteView options, std::uint8_t want, const char* who) {
  std::optional<Mac> mac;
  Reader r(options);
  while (r.remaining() > 0) {
    auto type = r.u8();
    auto len = r.u8();
    if (!type || !len) return fail(Errc::malformed, std::string(who) + ": truncated option");
    if (*len == 0) return fail(Errc::malformed, std::string(who) + ": option length 0");
    auto body = r.take(std::size_t{*len} * kOptionUnit - 2);
    if (!body) return fail(Errc::malformed, std::string(who) + ": option runs past the end");
    if (*type == want && *len == kEthernetLladdrUnits && !mac) {
      Mac m;
      std::copy(body->begin(), body->end(), m.bytes.begin());  // exactly 6 bytes
      mac = m;
    }
  }
  return mac;
}
}  // namespace

Result<Icmpv6Message> decode_icmpv6(ByteView bytes) {
  Reader r(bytes);
  auto type = r.u8();
  auto code = r.u8();
  auto checksum = r.be16();
  auto rest = r.be32();
  if (!type || !code || !checksum || !rest) return fail(Errc::malformed, "icmpv6: truncated header");
  Icmpv6Message m;
  m.type = *type;
  m.code = *code;
  m.checksum = *checksum;
  m.rest = *rest;
  m.body = r.rest();
  return m;
}

bool icmpv6_checksum_ok(ByteView message, const Ipv6& src, const Ipv6& dst) {
  const auto len = static_cast<std::uint32_t>(message.size());
  // Summing a message that carries its own checksum gives zero when nothing was altered.
  return internet_checksum(message, pseudo_header_sum(src, dst, kProtoIcmpv6, len)) == 0;
}

void fill_icmpv6_checksum(Bytes& message, const Ipv6& src, const Ipv6& dst) {
  if (message.size() < kIcmpv6HeaderLen) return;  // not a message: nothing to fill
  message[kChecksumOffset] = 0;
  message[kChecksumOffset + 1] = 0;
  const auto len = static_cast<std::uint32_t>(message.size());
  const std::uint16_t sum = internet_checksum(message, pseudo_header_sum(src, dst, kProtoIcmpv6, len));
  message[kChecksumOffset] = static_cast<std::uint8_t>(sum >> 8);
  message[kChecksumOffset + 1] = static_cast<std::uint8_t>(sum);
}

Bytes encode_echo6_request(std::uint16_t id, std::uint16_t seq, ByteView payload) {
  Bytes out;
  out.reserve(kIcmpv6HeaderLen + payload.size());
  Writer w(out);
  w.u8(icmp6_type::echo_request);
  w.u8(0);
  w.be16(0);  // checksum: the kernel fills it in for an ICMPv6 socket
  w.be16(id);
  w.be16(seq);
  w.bytes(payload);
  return out;
}

Result<Icmpv6Error> decode_icmpv6_error(const Icmpv6Message& msg) {
  using namespace icmp6_type;
  if (msg.type != dest_unreachable && msg.type != packet_too_big && msg.type != time_exceeded &&
      msg.type != parameter_problem)
    return fail(Errc::malformed, "icmpv6: not an error that answers a probe");
  auto quoted = decode_quoted_ipv6(msg.body);
  if (!quoted) return std::unexpected(quoted.error());
  if (quoted->payload.size() < kQuotedPayloadMin)
    return fail(Errc::malformed, "icmpv6: quote shorter than headers + 8 bytes");
  Icmpv6Error e;
  e.type = msg.type;
  e.code = msg.code;
  if (msg.type == packet_too_big) e.mtu = msg.rest;
  if (msg.type == parameter_problem) e.pointer = msg.rest;
  e.quoted = *quoted;
  return e;
}

std::optional<QuotedEcho6> quoted_echo6(const Icmpv6Error& e) {
  if (!quotes_upper_header(e, kProtoIcmpv6)) return std::nullopt;
  auto q = detail::read_quoted_echo(e.quoted.payload);
  if (!q || q->type != icmp6_type::echo_request) return std::nullopt;
  return QuotedEcho6{e.quoted.header.src, e.quoted.header.dst, q->id, q->seq};
}

std::optional<QuotedTcp6> quoted_tcp6(const Icmpv6Error& e) {
  if (!quotes_upper_header(e, next_header::tcp)) return std::nullopt;
  auto q = detail::read_quoted_tcp(e.quoted.payload);
  if (!q) return std::nullopt;
  return QuotedTcp6{e.quoted.header.src, e.quoted.header.dst, q->sport, q->dport, q->seq};
}

Result<NeighborAdvert> decode_neighbor_advert(const Icmpv6Message& msg) {
  constexpr const char* who = "neighbor advertisement";
  auto fixed = ndp_target(msg, icmp6_type::neighbor_advertisement, who);
  if (!fixed) return std::unexpected(fixed.error());
  auto mac = find_lladdr(fixed->second, ndp_option::target_lladdr, who);
  if (!mac) return std::unexpected(mac.error());
  NeighborAdvert na;
  na.router = (msg.rest & kFlagRouter) != 0;
  na.solicited = (msg.rest & kFlagSolicited) != 0;
  na.override_flag = (msg.rest & kFlagOverride) != 0;
  na.target = fixed->first;
  na.target_mac = *mac;
  return na;
}

Result<NeighborSolicit> decode_neighbor_solicit(const Icmpv6Message& msg) {
  constexpr const char* who = "neighbor solicitation";
  auto fixed = ndp_target(msg, icmp6_type::neighbor_solicitation, who);
  if (!fixed) return std::unexpected(fixed.error());
  auto mac = find_lladdr(fixed->second, ndp_option::source_lladdr, who);
  if (!mac) return std::unexpected(mac.error());
  NeighborSolicit ns;
  ns.target = fixed->first;
  ns.source_mac = *mac;
  return ns;
}

Bytes encode_neighbor_solicit(const Ipv6& src, const Ipv6& dst, const Ipv6& target, const Mac& source_mac) {
  Bytes out;
  out.reserve(kIcmpv6HeaderLen + kTargetLen + kOptionUnit);
  Writer w(out);
  w.u8(icmp6_type::neighbor_solicitation);
  w.u8(0);
  w.be16(0);  // checksum, filled in below
  w.be32(0);  // reserved
  w.bytes(target.bytes);
  w.u8(ndp_option::source_lladdr);
  w.u8(kEthernetLladdrUnits);
  w.bytes(source_mac.bytes);
  fill_icmpv6_checksum(out, src, dst);
  return out;
}

Bytes encode_neighbor_advert(const Ipv6& src, const Ipv6& dst, const NeighborAdvert& na) {
  Bytes out;
  out.reserve(kIcmpv6HeaderLen + kTargetLen + kOptionUnit);
  Writer w(out);
  w.u8(icmp6_type::neighbor_advertisement);
  w.u8(0);
  w.be16(0);  // checksum, filled in below
  w.be32((na.router ? kFlagRouter : 0u) | (na.solicited ? kFlagSolicited : 0u) | (na.override_flag ? kFlagOverride : 0u));
  w.bytes(na.target.bytes);
  if (na.target_mac) {
    w.u8(ndp_option::target_lladdr);
    w.u8(kEthernetLladdrUnits);
    w.bytes(na.target_mac->bytes);
  }
  fill_icmpv6_checksum(out, src, dst);
  return out;
}

NdpAnswer match_neighbor_advert(ByteView packet, const Mac& eth_src, const Ipv6& target, const Ipv6& our_ip, bool unicast_asked) {
  NdpAnswer a;
  // Without extension headers the target sits 48 bytes in (IPv6 40, ICMPv6 8): many probes share
  // one socket, so an advertisement for another address is told by 16 bytes, before any decoding.
  constexpr std::size_t kTargetAt = kIpv6Header + kIcmpv6HeaderLen;
  if (packet.size() >= kTargetAt + kTargetLen && packet[6] == kProtoIcmpv6 &&
      !std::equal(target.bytes.begin(), target.bytes.end(), packet.begin() + kTargetAt)) {
    a.match = packet[kIpv6Header] == icmp6_type::neighbor_advertisement ? NdpMatch::other_target : NdpMatch::not_advert;
    return a;
  }
  auto ip = decode_ipv6(packet);
  if (!ip || ip->protocol != kProtoIcmpv6 || ip->fragmented) return a;
  auto icmp = decode_icmpv6(ip->payload);
  if (!icmp || icmp->type != icmp6_type::neighbor_advertisement) return a;
  auto na = decode_neighbor_advert(*icmp);
  if (na && na->target != target) {  // behind extension headers
    a.match = NdpMatch::other_target;
    return a;
  }
  a.match = NdpMatch::rejected;
  // RFC 4861 7.1.2: hop limit 255 (not forwarded from off-link), a valid checksum, code 0 (the
  // decoder's), the Solicited flag for an answer, addressed to us.
  if (!na || ip->header.hop_limit != kNdpHopLimit || !icmpv6_checksum_ok(ip->payload, ip->header.src, ip->header.dst) ||
      ip->header.dst != our_ip || !na->solicited)
    return a;
  // An answer to a multicast solicitation carries the target's link-layer address; one without it
  // can only answer the unicast one, whose frame's source is the MAC.
  if (!na->target_mac && !unicast_asked) return a;
  a.match = NdpMatch::answer;
  a.mac = na->target_mac.value_or(eth_src);
  a.advert = *na;
  return a;
}

Bytes encode_neighbor_solicit_frame(const Mac& src_mac, const Mac& dst_mac, const Ipv6& src, const Ipv6& dst,
                                    const Ipv6& target) {
  const Bytes ns = encode_neighbor_solicit(src, dst, target, src_mac);
  Bytes out;
  out.reserve(kEthernetHeaderLen + kIpv6Header + ns.size());
  Writer w(out);
  encode_ethernet(w, EthernetHeader{dst_mac, src_mac, kEtherTypeIpv6, std::nullopt});
  Ipv6Header h;
  h.payload_len = static_cast<std::uint16_t>(ns.size());
  h.next_header = kProtoIcmpv6;
  h.hop_limit = kNdpHopLimit;
  h.src = src;
  h.dst = dst;
  encode_ipv6(w, h);
  w.bytes(ns);
  return out;
}

Ipv6 solicited_node(const Ipv6& target) {
  Ipv6 group;
  group.bytes[0] = 0xff;
  group.bytes[1] = 0x02;
  group.bytes[11] = 0x01;
  group.bytes[12] = 0xff;
  std::copy(target.bytes.begin() + 13, target.bytes.end(), group.bytes.begin() + 13);
  return group;
}

Mac multicast_mac(const Ipv6& group) {
  Mac m;
  m.bytes[0] = 0x33;
  m.bytes[1] = 0x33;
  std::copy(group.bytes.begin() + 12, group.bytes.end(), m.bytes.begin() + 2);
  return m;
}

}  // namespace vpcprobe::wire
