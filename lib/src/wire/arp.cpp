#include "vpcprobe/wire/arp.hpp"

#include "vpcprobe/wire/ethernet.hpp"

namespace vpcprobe::wire {

namespace {
constexpr std::uint16_t kHtypeEthernet = 1;
constexpr std::uint8_t kHlenEthernet = 6;
constexpr std::uint8_t kPlenIpv4 = 4;
}  // namespace

void encode_arp(Writer& w, const ArpPacket& p) {
  w.be16(kHtypeEthernet);
  w.be16(kEtherTypeIpv4);
  w.u8(kHlenEthernet);
  w.u8(kPlenIpv4);
  w.be16(static_cast<std::uint16_t>(p.op));
  w.bytes(p.sender_mac.bytes);
  w.be32(p.sender_ip.value);
  w.bytes(p.target_mac.bytes);
  w.be32(p.target_ip.value);
}

Result<ArpPacket> decode_arp(ByteView payload) {
  if (payload.size() < kArpLen) return fail(Errc::malformed, "arp: truncated packet");
  if (payload.size() > kArpMaxPayload) return fail(Errc::malformed, "arp: oversized packet");
  Reader r(payload);
  auto htype = r.be16();
  auto ptype = r.be16();
  auto hlen = r.u8();
  auto plen = r.u8();
  auto op = r.be16();
  if (!htype || !ptype || !hlen || !plen || !op) return fail(Errc::malformed, "arp: truncated header");
  if (*htype != kHtypeEthernet) return fail(Errc::malformed, "arp: hardware type is not Ethernet");
  if (*ptype != kEtherTypeIpv4) return fail(Errc::malformed, "arp: protocol type is not IPv4");
  if (*hlen != kHlenEthernet || *plen != kPlenIpv4)
    return fail(Errc::malformed, "arp: address lengths are not 6/4");
  if (*op != 1 && *op != 2) return fail(Errc::malformed, "arp: unknown opcode");
  ArpPacket p;
  p.op = static_cast<ArpOp>(*op);
  auto sha = r.take(6);
  auto spa = r.be32();
  auto tha = r.take(6);
  auto tpa = r.be32();
  if (!sha || !spa || !tha || !tpa) return fail(Errc::malformed, "arp: truncated addresses");
  std::copy(sha->begin(), sha->end(), p.sender_mac.bytes.begin());
  std::copy(tha->begin(), tha->end(), p.target_mac.bytes.begin());
  p.sender_ip = Ipv4{*spa};
  p.target_ip = Ipv4{*tpa};
  return p;
}

Bytes encode_arp_request_frame(const Mac& src_mac, const Ipv4& src_ip, const Ipv4& target_ip,
                               const Mac& dst) {
  Bytes out;
  out.reserve(kEthernetMinFrame);
  Writer w(out);
  encode_ethernet(w, EthernetHeader{dst, src_mac, kEtherTypeArp, std::nullopt});
  // Target MAC stays zero even for a unicast request, as RFC 826 / arping do.
  encode_arp(w, ArpPacket{ArpOp::request, src_mac, src_ip, Mac{}, target_ip});
  if (out.size() < kEthernetMinFrame) w.zeros(kEthernetMinFrame - out.size());
  return out;
}

bool arp_reply_matches(const ArpPacket& reply, const Ipv4& asked_ip, const Ipv4& our_ip,
                       const Mac& our_mac) {
  return reply.op == ArpOp::reply && reply.sender_ip == asked_ip && reply.target_ip == our_ip &&
         reply.target_mac == our_mac && !reply.sender_mac.is_zero() &&
         !reply.sender_mac.is_multicast();
}

}  // namespace vpcprobe::wire
