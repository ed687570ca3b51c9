// IPv6 and ICMPv6 as the probes receive them: decode_ipv6 and decode_quoted_ipv6 on the input (as a
// packet, and as the payload of an Ethernet frame of type 86dd); decode_icmpv6 on the input (an
// ICMPv6 socket delivers the bare message) and on every decoded payload of protocol 58; then
// decode_icmpv6_error, quoted_echo6 / quoted_tcp6, decode_neighbor_advert / decode_neighbor_solicit
// on every message, a re-encode round trip for every solicitation that carries a MAC, and the
// probe's advertisement matching (match_neighbor_advert) on the packet and the frame's payload.
#include <algorithm>
#include <array>
#include <optional>

#include "fuzz_common.hpp"
#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/wire/ethernet.hpp"
#include "vpcprobe/wire/icmpv6.hpp"
#include "vpcprobe/wire/ipv6.hpp"

using namespace vpcprobe::wire;
using namespace vpcprobe::fuzz;

namespace {

bool is_extension(std::uint8_t nh) {
  using namespace next_header;
  return nh == hop_by_hop || nh == routing || nh == fragment || nh == destination || nh == ah;
}

Ipv6 ipv6_at(ByteView v, std::size_t at) {
  Ipv6 a;
  for (std::size_t i = 0; i < 16; ++i) a.bytes[i] = v[at + i];
  return a;
}

// A reference walk of the extension headers in `region` from next header `nh`, by index.
struct ExtWalk {
  bool ok = true;
  std::uint8_t protocol = 0;
  std::size_t bytes = 0, count = 0;
  bool fragmented = false, more = false;
  std::uint16_t offset = 0;
};
ExtWalk walk_extensions(ByteView region, std::uint8_t nh) {
  ExtWalk w;
  std::size_t pos = 0;
  while (is_extension(nh)) {
    if (w.count == kMaxExtensionHeaders || (nh == next_header::hop_by_hop && w.count != 0) ||
        region.size() - pos < 2) {
      w.ok = false;
      return w;
    }
    const std::size_t len = region[pos + 1];
    const std::size_t size = nh == next_header::fragment ? 8 : nh == next_header::ah ? (len + 2) * 4 : (len + 1) * 8;
    if (region.size() - pos < size) {
      w.ok = false;
      return w;
    }
    const std::uint8_t next = region[pos];
    bool later_fragment = false;
    if (nh == next_header::fragment) {
      const std::uint16_t v = be16_at(region, pos + 2);
      w.fragmented = true;
      w.offset = static_cast<std::uint16_t>(v >> 3);
      w.more = (v & 1) != 0;
      later_fragment = w.offset != 0;
    }
    pos += size;
    w.bytes += size;
    ++w.count;
    nh = next;
    if (later_fragment) break;
  }
  w.protocol = nh;
  return w;
}

// The invariants every decoded packet keeps, whole or quoted: the fixed header is the input's
// first 40 bytes, the extension headers are bounded, the payload follows them inside `region`
// (the bytes after the fixed header that count), and the protocol is where the walk stopped.
void check_packet(const Ipv6Packet& p, ByteView in, std::size_t region) {
  FUZZ_CHECK(in.size() >= kIpv6Header && (in[0] >> 4) == 6);
  FUZZ_CHECK(p.header.traffic_class == static_cast<std::uint8_t>((in[0] << 4) | (in[1] >> 4)));
  FUZZ_CHECK(p.header.flow_label == (be32_at(in, 0) & 0xfffff));
  FUZZ_CHECK(p.header.payload_len == be16_at(in, 4) && p.header.payload_len != 0);
  FUZZ_CHECK(p.header.next_header == in[6] && p.header.hop_limit == in[7]);
  FUZZ_CHECK(p.header.src == ipv6_at(in, 8) && p.header.dst == ipv6_at(in, 24));
  FUZZ_CHECK(region <= p.header.payload_len && region <= in.size() - kIpv6Header);
  FUZZ_CHECK(p.extension_count <= kMaxExtensionHeaders);
  FUZZ_CHECK(p.extension_bytes <= region && p.extension_bytes >= 8 * p.extension_count);
  FUZZ_CHECK((p.extension_count == 0) == (p.extension_bytes == 0));
  FUZZ_CHECK(is_at(p.payload, in, kIpv6Header + p.extension_bytes, region - p.extension_bytes));
  touch(p.payload);
  if (p.extension_count == 0) FUZZ_CHECK(p.protocol == p.header.next_header && !p.fragmented);
  if (!p.fragmented) FUZZ_CHECK(p.fragment_offset == 0 && !p.more_fragments);
  // The walk stops at an upper layer, or at a later fragment, whose bytes are not headers.
  if (p.fragment_offset == 0) FUZZ_CHECK(!is_extension(p.protocol));
  if (p.fragment_offset != 0) FUZZ_CHECK(p.fragmented);
  // And the walk is the reference walk's.
  const auto w = walk_extensions(in.subspan(kIpv6Header, region), in[6]);
  FUZZ_CHECK(w.ok && w.protocol == p.protocol && w.bytes == p.extension_bytes && w.count == p.extension_count);
  FUZZ_CHECK(w.fragmented == p.fragmented && w.offset == p.fragment_offset && w.more == p.more_fragments);
}

// A reference walk of NDP options, by index: ok when every option has a length and lies inside;
// the MAC of the first option of type `want` and length 1.
struct OptionWalk {
  bool ok = true;
  std::optional<Mac> mac;
};
OptionWalk walk_options(ByteView body, std::uint8_t want) {
  OptionWalk w;
  std::size_t pos = 16;
  while (pos < body.size()) {
    if (body.size() - pos < 2 || body[pos + 1] == 0 || body.size() - pos < std::size_t{body[pos + 1]} * 8) {
      w.ok = false;
      return w;
    }
    if (body[pos] == want && body[pos + 1] == 1 && !w.mac) {
      Mac m;
      for (std::size_t i = 0; i < 6; ++i) m.bytes[i] = body[pos + 2 + i];
      w.mac = m;
    }
    pos += std::size_t{body[pos + 1]} * 8;
  }
  return w;
}

void check_error(const Icmpv6Message& m) {
  auto e = decode_icmpv6_error(m);
  auto q = decode_quoted_ipv6(m.body);
  const bool answers_probe = m.type >= 1 && m.type <= 4;
  if (!e) {
    FUZZ_CHECK(!answers_probe || !q || q->payload.size() < 8);
    return;
  }
  FUZZ_CHECK(answers_probe && m.is_error() && e->type == m.type && e->code == m.code);
  FUZZ_CHECK(e->mtu == (m.type == icmp6_type::packet_too_big ? m.rest : 0));
  FUZZ_CHECK(e->pointer == (m.type == icmp6_type::parameter_problem ? m.rest : 0));
  FUZZ_CHECK(q && q->protocol == e->quoted.protocol && q->payload.data() == e->quoted.payload.data());
  const Ipv6Packet& p = e->quoted;
  FUZZ_CHECK(p.payload.size() >= 8 && within(p.payload, m.body));
  check_packet(p, m.body, std::min<std::size_t>(p.header.payload_len, m.body.size() - kIpv6Header));

  auto echo = quoted_echo6(*e);
  auto tcp = quoted_tcp6(*e);
  FUZZ_CHECK(!(echo && tcp));
  const bool first = p.fragment_offset == 0;
  if (echo) {
    FUZZ_CHECK(p.protocol == kProtoIcmpv6 && first && p.payload[0] == icmp6_type::echo_request);
    FUZZ_CHECK(echo->id == be16_at(p.payload, 4) && echo->seq == be16_at(p.payload, 6));
    FUZZ_CHECK(echo->src == p.header.src && echo->dst == p.header.dst);
  } else {
    FUZZ_CHECK(p.protocol != kProtoIcmpv6 || !first || p.payload[0] != icmp6_type::echo_request);
  }
  if (tcp) {
    FUZZ_CHECK(p.protocol == next_header::tcp && first);
    FUZZ_CHECK(tcp->sport == be16_at(p.payload, 0) && tcp->dport == be16_at(p.payload, 2));
    FUZZ_CHECK(tcp->seq == be32_at(p.payload, 4));
    FUZZ_CHECK(tcp->src == p.header.src && tcp->dst == p.header.dst);
  } else {
    FUZZ_CHECK(p.protocol != next_header::tcp || !first);
  }
}

void check_advert(const Icmpv6Message& m) {
  auto na = decode_neighbor_advert(m);
  const auto ref = walk_options(m.body, ndp_option::target_lladdr);
  const bool shape = m.type == icmp6_type::neighbor_advertisement && m.code == 0 && m.body.size() >= 16;
  FUZZ_CHECK(bool(na) == (shape && ref.ok));
  if (!na) return;
  FUZZ_CHECK(na->target == ipv6_at(m.body, 0));
  FUZZ_CHECK(na->router == (((m.rest >> 31) & 1) != 0) && na->solicited == (((m.rest >> 30) & 1) != 0) &&
             na->override_flag == (((m.rest >> 29) & 1) != 0));
  FUZZ_CHECK(na->target_mac == ref.mac);
}

void check_solicit(const Icmpv6Message& m, ByteView in, const Ipv6& src, const Ipv6& dst) {
  auto ns = decode_neighbor_solicit(m);
  const auto ref = walk_options(m.body, ndp_option::source_lladdr);
  const bool shape = m.type == icmp6_type::neighbor_solicitation && m.code == 0 && m.body.size() >= 16;
  FUZZ_CHECK(bool(ns) == (shape && ref.ok));
  if (!ns) return;
  FUZZ_CHECK(ns->target == ipv6_at(m.body, 0));
  FUZZ_CHECK(ns->source_mac == ref.mac);
  if (!ns->source_mac) return;

  // What our encoder makes of the target and MAC decodes back to them, with a good checksum; for
  // an input of exactly that shape, it is the input (up to the checksum's two spellings of zero).
  const Bytes again = encode_neighbor_solicit(src, dst, ns->target, *ns->source_mac);
  FUZZ_CHECK(again.size() == 32 && icmpv6_checksum_ok(again, src, dst));
  auto m2 = decode_icmpv6(again);
  FUZZ_CHECK(m2);
  auto ns2 = decode_neighbor_solicit(*m2);
  FUZZ_CHECK(ns2 && ns2->target == ns->target && ns2->source_mac == ns->source_mac);
  if (in.size() == 32 && m.rest == 0 && in[24] == ndp_option::source_lladdr && in[25] == 1) {
    FUZZ_CHECK(same_bytes(ByteView(again).first(2), in.first(2)));
    FUZZ_CHECK(same_bytes(ByteView(again).subspan(4), in.subspan(4)));
    if (icmpv6_checksum_ok(in, src, dst))
      FUZZ_CHECK(same_bytes(again, in) || be16_at(again, 2) == 0xffff - be16_at(in, 2));
  }

  // The whole frame to the target's solicited-node group decodes back through every layer.
  const Ipv6 group = solicited_node(ns->target);
  FUZZ_CHECK(group.is_multicast() && group.bytes[11] == 1 && group.bytes[12] == 0xff);
  const Bytes frame = encode_neighbor_solicit_frame(*ns->source_mac, multicast_mac(group), src, group, ns->target);
  auto eth = decode_ethernet(frame);
  FUZZ_CHECK(eth && eth->header.ethertype == kEtherTypeIpv6 && eth->header.src == *ns->source_mac);
  FUZZ_CHECK(eth->header.dst.bytes[0] == 0x33 && eth->header.dst.bytes[1] == 0x33 && eth->header.dst.bytes[2] == 0xff);
  auto ip = decode_ipv6(eth->payload);
  FUZZ_CHECK(ip && ip->header.hop_limit == kNdpHopLimit && ip->protocol == kProtoIcmpv6);
  FUZZ_CHECK(ip->header.dst == group && icmpv6_checksum_ok(ip->payload, src, group));
  auto m3 = decode_icmpv6(ip->payload);
  FUZZ_CHECK(m3);
  auto ns3 = decode_neighbor_solicit(*m3);
  FUZZ_CHECK(ns3 && ns3->target == ns->target && ns3->source_mac == ns->source_mac);
}

// `in` is one ICMPv6 message; src and dst the addresses its checksum covers.
void check_icmpv6(ByteView in, const Ipv6& src, const Ipv6& dst) {
  auto m = decode_icmpv6(in);
  if (!m) {
    FUZZ_CHECK(in.size() < kIcmpv6HeaderLen);
    return;
  }
  FUZZ_CHECK(in.size() >= kIcmpv6HeaderLen);
  FUZZ_CHECK(m->type == in[0] && m->code == in[1] && m->checksum == be16_at(in, 2) && m->rest == be32_at(in, 4));
  FUZZ_CHECK(m->echo_id() == be16_at(in, 4) && m->echo_seq() == be16_at(in, 6));
  FUZZ_CHECK(is_at(m->body, in, kIcmpv6HeaderLen, in.size() - kIcmpv6HeaderLen));
  FUZZ_CHECK(m->is_error() == (m->type < 128));
  touch(m->body);

  // Filling the checksum makes any message check, and keeps a good one as it was (up to the two
  // spellings of zero).
  Bytes filled(in.begin(), in.end());
  fill_icmpv6_checksum(filled, src, dst);
  FUZZ_CHECK(icmpv6_checksum_ok(filled, src, dst));
  FUZZ_CHECK(same_bytes(ByteView(filled).first(2), in.first(2)) && same_bytes(ByteView(filled).subspan(4), in.subspan(4)));
  if (icmpv6_checksum_ok(in, src, dst))
    FUZZ_CHECK(same_bytes(filled, in) || be16_at(filled, 2) == 0xffff - be16_at(in, 2));

  // An echo request is what our encoder makes of its id, seq and data, checksum aside.
  if (m->type == icmp6_type::echo_request && m->code == 0) {
    auto again = encode_echo6_request(m->echo_id(), m->echo_seq(), m->body);
    FUZZ_CHECK(again.size() == in.size() && be16_at(again, 2) == 0);
    FUZZ_CHECK(same_bytes(ByteView(again).first(2), in.first(2)) && same_bytes(ByteView(again).subspan(4), in.subspan(4)));
  }

  check_error(*m);
  check_advert(*m);
  check_solicit(*m, in, src, dst);
}

void check_ipv6(ByteView in) {
  auto p = decode_ipv6(in);
  auto q = decode_quoted_ipv6(in);
  const bool v6 = in.size() >= kIpv6Header && (in[0] >> 4) == 6;
  const std::size_t len = in.size() >= kIpv6Header ? be16_at(in, 4) : 0;
  const std::size_t present = in.size() >= kIpv6Header ? in.size() - kIpv6Header : 0;
  if (p) {
    check_packet(*p, in, len);
    // A whole packet is a quote that lost nothing: the same walk, the same payload.
    FUZZ_CHECK(q && q->protocol == p->protocol && q->extension_bytes == p->extension_bytes &&
               q->extension_count == p->extension_count && q->fragment_offset == p->fragment_offset &&
               q->payload.data() == p->payload.data() && q->payload.size() == p->payload.size());
    if (p->protocol == kProtoIcmpv6) check_icmpv6(p->payload, p->header.src, p->header.dst);
  } else if (v6 && len != 0 && len <= present) {
    // Refused for its extension headers: the reference walk refuses them, and cut at payload
    // length, a quote is refused too.
    FUZZ_CHECK(!walk_extensions(in.subspan(kIpv6Header, len), in[6]).ok);
    FUZZ_CHECK(!decode_quoted_ipv6(in.first(kIpv6Header + len)));
  } else {
    FUZZ_CHECK(!v6 || len == 0 || len > present);
  }
  if (q) {
    check_packet(*q, in, std::min(len, present));
    if (q->protocol == kProtoIcmpv6 && !p) check_icmpv6(q->payload, q->header.src, q->header.dst);
  } else {
    FUZZ_CHECK(!p);
    FUZZ_CHECK(!v6 || len == 0 || !walk_extensions(in.subspan(kIpv6Header, std::min(len, present)), in[6]).ok);
  }
}

}  // namespace

// The probe's matching: an answer is exactly a well-formed advertisement, by its own decoders, for
// the target asked, to our address, hop limit 255, solicited, with a good checksum; its MAC the
// option's, or (only when a unicast solicitation went out) the frame's source.
void check_ndp_match(ByteView packet) {
  static const Mac kFrameSrc{{0x02, 0, 0, 0, 0, 0x0f}};
  auto ip = decode_ipv6(packet);
  // Ask for the target the packet names (when there is one), to reach the deeper rules.
  Ipv6 target{}, us{};
  if (ip) {
    us = ip->header.dst;
    if (ip->payload.size() >= 24) std::copy(ip->payload.begin() + 8, ip->payload.begin() + 24, target.bytes.begin());
  }
  for (bool unicast : {false, true}) {
    auto m = match_neighbor_advert(packet, kFrameSrc, target, us, unicast);
    if (m.match != NdpMatch::answer) continue;
    FUZZ_CHECK(ip && ip->protocol == kProtoIcmpv6 && !ip->fragmented && ip->header.hop_limit == kNdpHopLimit);
    auto icmp = decode_icmpv6(ip->payload);
    FUZZ_CHECK(icmp && icmp->type == icmp6_type::neighbor_advertisement);
    FUZZ_CHECK(icmpv6_checksum_ok(ip->payload, ip->header.src, ip->header.dst));
    auto na = decode_neighbor_advert(*icmp);
    FUZZ_CHECK(na && na->solicited && na->target == target && m.advert.target == target);
    FUZZ_CHECK(na->target_mac ? m.mac == *na->target_mac : (unicast && m.mac == kFrameSrc));
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  check_ipv6(in);
  // As an ICMPv6 socket delivers it: the bare message, for a link-local pair of addresses.
  static const Ipv6 kSrc{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}};
  static const Ipv6 kDst{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02}};
  check_icmpv6(in, kSrc, kDst);
  // As a packet socket delivers it: a frame.
  if (auto eth = decode_ethernet(in); eth && eth->header.ethertype == kEtherTypeIpv6) {
    FUZZ_CHECK(within(eth->payload, in));
    check_ipv6(eth->payload);
    check_ndp_match(eth->payload);
  }
  check_ndp_match(in);
  return 0;
}
