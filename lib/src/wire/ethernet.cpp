#include "vpcprobe/wire/ethernet.hpp"

namespace vpcprobe::wire {

void encode_ethernet(Writer& w, const EthernetHeader& h) {
  w.bytes(h.dst.bytes);
  w.bytes(h.src.bytes);
  if (h.vlan_id) {
    w.be16(kEtherTypeVlan);
    w.be16(static_cast<std::uint16_t>(*h.vlan_id & 0x0fff));
  }
  w.be16(h.ethertype);
}

Result<EthernetFrame> decode_ethernet(ByteView frame) {
  if (frame.size() > kEthernetMaxFrame) return fail(Errc::malformed, "ethernet: frame too large");
  Reader r(frame);
  EthernetFrame f;
  auto dst = r.take(6);
  auto src = r.take(6);
  auto type = r.be16();
  if (!dst || !src || !type) return fail(Errc::malformed, "ethernet: truncated header");
  std::copy(dst->begin(), dst->end(), f.header.dst.bytes.begin());
  std::copy(src->begin(), src->end(), f.header.src.bytes.begin());
  f.header.ethertype = *type;
  // At most two tags (802.1ad outer + 802.1Q inner); the innermost VLAN id is reported.
  for (int tags = 0; (f.header.ethertype == kEtherTypeVlan || f.header.ethertype == kEtherTypeQinQ);
       ++tags) {
    if (tags == 2) return fail(Errc::malformed, "ethernet: more than two VLAN tags");
    auto tci = r.be16();
    auto inner = r.be16();
    if (!tci || !inner) return fail(Errc::malformed, "ethernet: truncated VLAN tag");
    f.header.vlan_id = static_cast<std::uint16_t>(*tci & 0x0fff);
    f.header.ethertype = *inner;
  }
  if (f.header.ethertype < 0x0600)
    return fail(Errc::malformed, "ethernet: 802.3 length field, not Ethernet II");
  f.payload = r.rest();
  return f;
}

}  // namespace vpcprobe::wire
