// decode_ethernet and decode_arp on arbitrary frames: an ARP packet is tried both as the payload of
// a decoded frame and as the raw input, so ARP is reachable without a valid Ethernet header.
#include <algorithm>

#include "fuzz_common.hpp"
#include "vpcprobe/wire/arp.hpp"
#include "vpcprobe/wire/ethernet.hpp"

using namespace vpcprobe::wire;
using namespace vpcprobe::fuzz;

namespace {

void check_arp(ByteView in) {
  auto arp = decode_arp(in);
  if (!arp) return;
  FUZZ_CHECK(in.size() >= kArpLen && in.size() <= kArpMaxPayload);
  FUZZ_CHECK(arp->op == ArpOp::request || arp->op == ArpOp::reply);
  // The fixed header is the only accepted one, and re-encoding gives back the same 28 bytes.
  Bytes out;
  Writer w(out);
  encode_arp(w, *arp);
  FUZZ_CHECK(out.size() == kArpLen);
  FUZZ_CHECK(same_bytes(out, in.first(kArpLen)));
  auto again = decode_arp(out);
  FUZZ_CHECK(again && *again == *arp);
  // Padding is ignored, a truncated packet is not.
  FUZZ_CHECK(!decode_arp(in.first(kArpLen - 1)));

  // Our own request for the same addresses decodes back to what we asked, and is never a reply.
  auto frame = encode_arp_request_frame(arp->sender_mac, arp->sender_ip, arp->target_ip, arp->target_mac);
  FUZZ_CHECK(frame.size() == kEthernetMinFrame);
  auto eth = decode_ethernet(frame);
  FUZZ_CHECK(eth && eth->header.ethertype == kEtherTypeArp && eth->header.dst == arp->target_mac &&
             eth->header.src == arp->sender_mac && !eth->header.vlan_id);
  auto req = decode_arp(eth->payload);
  FUZZ_CHECK(req && req->op == ArpOp::request && req->sender_mac == arp->sender_mac &&
             req->sender_ip == arp->sender_ip && req->target_ip == arp->target_ip &&
             req->target_mac.is_zero());
  FUZZ_CHECK(!arp_reply_matches(*req, arp->target_ip, arp->sender_ip, arp->sender_mac));
}

void check_ethernet(ByteView in) {
  auto eth = decode_ethernet(in);
  if (!eth) return;
  FUZZ_CHECK(in.size() >= kEthernetHeaderLen && in.size() <= kEthernetMaxFrame);
  // The payload is the tail of the frame after the header and at most two 4-byte tags.
  FUZZ_CHECK(within(eth->payload, in));
  touch(eth->payload);
  const std::size_t header = in.size() - eth->payload.size();
  FUZZ_CHECK(header == kEthernetHeaderLen || header == kEthernetHeaderLen + 4 ||
             header == kEthernetHeaderLen + 8);
  FUZZ_CHECK(is_at(eth->payload, in, header, in.size() - header));
  FUZZ_CHECK(std::equal(eth->header.dst.bytes.begin(), eth->header.dst.bytes.end(), in.begin()));
  FUZZ_CHECK(std::equal(eth->header.src.bytes.begin(), eth->header.src.bytes.end(), in.begin() + 6));
  FUZZ_CHECK(eth->header.ethertype >= 0x0600 && eth->header.ethertype == be16_at(in, header - 2));
  FUZZ_CHECK(eth->header.ethertype != kEtherTypeVlan && eth->header.ethertype != kEtherTypeQinQ);
  FUZZ_CHECK(eth->header.vlan_id.has_value() == (header > kEthernetHeaderLen));
  if (eth->header.vlan_id) {
    FUZZ_CHECK(*eth->header.vlan_id <= 0x0fff);
    FUZZ_CHECK(*eth->header.vlan_id == (be16_at(in, header - 4) & 0x0fff));  // the innermost tag
  }
  // Re-encoding an untagged header, or a single 802.1Q tag without priority bits, is exact.
  const bool plain_tag = header == kEthernetHeaderLen + 4 && be16_at(in, 12) == kEtherTypeVlan &&
                         (in[14] & 0xf0) == 0;
  if (header == kEthernetHeaderLen || plain_tag) {
    Bytes out;
    Writer w(out);
    encode_ethernet(w, eth->header);
    FUZZ_CHECK(same_bytes(out, in.first(header)));
  }
  if (eth->header.ethertype == kEtherTypeArp) check_arp(eth->payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  check_ethernet(in);
  check_arp(in);
  return 0;
}
