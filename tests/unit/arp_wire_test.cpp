#include <doctest/doctest.h>

#include "test_util.hpp"
#include "vpcprobe/wire/arp.hpp"
#include "vpcprobe/wire/ethernet.hpp"

using namespace vpcprobe::wire;

namespace {
const Mac kOurMac = *Mac::parse("02:00:00:00:00:01");
const Mac kPeerMac = *Mac::parse("02:00:00:00:00:05");
const Ipv4 kOurIp = *Ipv4::parse("10.124.0.2");
const Ipv4 kPeerIp = *Ipv4::parse("10.124.0.5");

// Checked by hand against RFC 826 and a tcpdump -xx of arping's request.
const auto kRequestFrame = hex(
    "ff ff ff ff ff ff 02 00 00 00 00 01 08 06"  // Ethernet: broadcast, from us, ARP
    "00 01 08 00 06 04 00 01"                    // Ethernet/IPv4, 6/4, request
    "02 00 00 00 00 01 0a 7c 00 02"              // sender: us
    "00 00 00 00 00 00 0a 7c 00 05"              // target: ?, 10.124.0.5
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");  // pad to 60

const auto kReplyFrame = hex(
    "02 00 00 00 00 01 02 00 00 00 00 05 08 06"
    "00 01 08 00 06 04 00 02"
    "02 00 00 00 00 05 0a 7c 00 05"
    "02 00 00 00 00 01 0a 7c 00 02");
}  // namespace

TEST_CASE("ARP request frame matches the hand-checked bytes") {
  auto frame = encode_arp_request_frame(kOurMac, kOurIp, kPeerIp, Mac::broadcast());
  CHECK(frame == kRequestFrame);
  CHECK(frame.size() == kEthernetMinFrame);
}

TEST_CASE("unicast request goes to the cached MAC with a zero target MAC") {
  auto frame = encode_arp_request_frame(kOurMac, kOurIp, kPeerIp, kPeerMac);
  auto eth = decode_ethernet(frame);
  REQUIRE(eth);
  CHECK(eth->header.dst == kPeerMac);
  auto arp = decode_arp(eth->payload);
  REQUIRE(arp);
  CHECK(arp->target_mac.is_zero());
  CHECK(arp->op == ArpOp::request);
}

TEST_CASE("ARP reply decodes and matches our request") {
  auto eth = decode_ethernet(kReplyFrame);
  REQUIRE(eth);
  CHECK(eth->header.ethertype == kEtherTypeArp);
  CHECK(eth->header.src == kPeerMac);
  auto arp = decode_arp(eth->payload);
  REQUIRE(arp);
  CHECK(arp->op == ArpOp::reply);
  CHECK(arp->sender_mac == kPeerMac);
  CHECK(arp->sender_ip == kPeerIp);
  CHECK(arp_reply_matches(*arp, kPeerIp, kOurIp, kOurMac));
  // Round trip through the encoder.
  Bytes again;
  Writer w(again);
  encode_arp(w, *arp);
  CHECK(Bytes(eth->payload.begin(), eth->payload.end()) == again);
}

TEST_CASE("replies that answer someone else are not matches") {
  auto arp = *decode_arp(ByteView(kReplyFrame).subspan(14));
  CHECK_FALSE(arp_reply_matches(arp, *Ipv4::parse("10.124.0.6"), kOurIp, kOurMac));  // other IP
  CHECK_FALSE(arp_reply_matches(arp, kPeerIp, *Ipv4::parse("10.124.0.3"), kOurMac));  // to another IP
  CHECK_FALSE(arp_reply_matches(arp, kPeerIp, kOurIp, kPeerMac));                     // to another MAC
  auto req = arp;
  req.op = ArpOp::request;
  CHECK_FALSE(arp_reply_matches(req, kPeerIp, kOurIp, kOurMac));
  auto zero = arp;
  zero.sender_mac = Mac{};
  CHECK_FALSE(arp_reply_matches(zero, kPeerIp, kOurIp, kOurMac));
}

TEST_CASE("every truncation of a valid frame is rejected") {
  for (std::size_t n = 0; n < 14 + kArpLen; ++n) {
    CAPTURE(n);
    ByteView cut(kReplyFrame.data(), n);
    auto eth = decode_ethernet(cut);
    if (!eth) continue;  // too short for Ethernet
    CHECK_FALSE(decode_arp(eth->payload).has_value());
  }
}

TEST_CASE("hlen/plen lies, wrong types and opcodes are rejected") {
  auto payload = Bytes(kReplyFrame.begin() + 14, kReplyFrame.end());
  auto with = [&](std::size_t at, std::uint8_t v) {
    auto p = payload;
    p[at] = v;
    return decode_arp(p);
  };
  CHECK_FALSE(with(4, 16));  // hlen says 16
  CHECK_FALSE(with(5, 16));  // plen says 16 (IPv6-sized)
  CHECK_FALSE(with(1, 6));   // htype 6 (IEEE 802)
  CHECK_FALSE(with(2, 0x86));  // ptype 0x86dd-ish
  CHECK_FALSE(with(7, 3));   // opcode 3 (RARP request)
  CHECK_FALSE(with(7, 0));
  auto big = payload;
  big.resize(kArpMaxPayload + 1, 0);
  CHECK_FALSE(decode_arp(big));
  auto padded = payload;
  padded.resize(46, 0);  // Ethernet padding is fine
  CHECK(decode_arp(padded));
}

TEST_CASE("Ethernet: VLAN tags are read, oversized and 802.3 frames rejected") {
  auto tagged = hex("02 00 00 00 00 01 02 00 00 00 00 05 81 00 00 64 08 06");
  tagged.insert(tagged.end(), kReplyFrame.begin() + 14, kReplyFrame.end());
  auto eth = decode_ethernet(tagged);
  REQUIRE(eth);
  CHECK(eth->header.vlan_id == 100);
  CHECK(eth->header.ethertype == kEtherTypeArp);
  CHECK(decode_arp(eth->payload));

  auto triple = hex("02 00 00 00 00 01 02 00 00 00 00 05 88 a8 00 01 81 00 00 02 81 00 00 03 08 06");
  CHECK_FALSE(decode_ethernet(triple));
  auto truncated_tag = hex("02 00 00 00 00 01 02 00 00 00 00 05 81 00 00");
  CHECK_FALSE(decode_ethernet(truncated_tag));
  auto llc = hex("02 00 00 00 00 01 02 00 00 00 00 05 00 2e");
  CHECK_FALSE(decode_ethernet(llc));
  Bytes huge(kEthernetMaxFrame + 1, 0);
  CHECK_FALSE(decode_ethernet(huge));

  Bytes out;
  Writer w(out);
  encode_ethernet(w, EthernetHeader{kPeerMac, kOurMac, kEtherTypeArp, 100});
  CHECK(out == hex("02 00 00 00 00 05 02 00 00 00 00 01 81 00 00 64 08 06"));
}
