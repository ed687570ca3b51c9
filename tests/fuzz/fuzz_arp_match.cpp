// The ARP prober's receive path: a frame off the wire goes through decode_ethernet, decode_arp and
// arp_reply_matches against the question we asked. The first 14 input bytes are that question
// (asked IP, our IP, our MAC), the rest is the frame. A reply counts only when it answers exactly
// our question from a usable (non-zero, unicast) MAC.
#include <algorithm>

#include "fuzz_common.hpp"
#include "vpcprobe/wire/arp.hpp"
#include "vpcprobe/wire/ethernet.hpp"

using namespace vpcprobe::wire;
using namespace vpcprobe::fuzz;

namespace {

constexpr std::size_t kQuestionLen = 4 + 4 + 6;

struct Question {
  Ipv4 asked;
  Ipv4 our_ip;
  Mac our_mac;
};

bool matches(const ArpPacket& p, const Question& q) {
  return arp_reply_matches(p, q.asked, q.our_ip, q.our_mac);
}

// What the header promises, spelled out independently of the implementation.
bool should_match(const ArpPacket& p, const Question& q) {
  return p.op == ArpOp::reply && p.sender_ip == q.asked && p.target_ip == q.our_ip &&
         p.target_mac == q.our_mac && !p.sender_mac.is_zero() && !p.sender_mac.is_multicast();
}

// The frame as the prober would see it: anything that is not a decodable ARP frame is rejected.
void check_frame(ByteView frame, const Question& q) {
  auto eth = decode_ethernet(frame);
  if (!eth || eth->header.ethertype != kEtherTypeArp) return;
  auto arp = decode_arp(eth->payload);
  if (!arp) return;
  const bool m = matches(*arp, q);
  FUZZ_CHECK(m == should_match(*arp, q));
  if (m) {
    FUZZ_CHECK(arp->op == ArpOp::reply && !arp->sender_mac.is_broadcast());
    // Whoever answered, a reply to another question, or to another host, is not ours.
    Question other = q;
    other.asked.value ^= 1;
    FUZZ_CHECK(!matches(*arp, other));
    other = q;
    other.our_ip.value ^= 1;
    FUZZ_CHECK(!matches(*arp, other));
    other = q;
    other.our_mac.bytes[5] ^= 1;
    FUZZ_CHECK(!matches(*arp, other));
    auto as_request = *arp;
    as_request.op = ArpOp::request;
    FUZZ_CHECK(!matches(as_request, q));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < kQuestionLen) return 0;
  const ByteView in(data, size);
  Question q;
  q.asked = Ipv4{be32_at(in, 0)};
  q.our_ip = Ipv4{be32_at(in, 4)};
  std::copy(in.begin() + 8, in.begin() + 14, q.our_mac.bytes.begin());
  const ByteView frame = in.subspan(kQuestionLen);
  check_frame(frame, q);

  // Our own broadcast request, heard back on the wire, never answers itself.
  auto request = encode_arp_request_frame(q.our_mac, q.our_ip, q.asked, Mac::broadcast());
  auto eth = decode_ethernet(request);
  FUZZ_CHECK(eth);
  auto arp = decode_arp(eth->payload);
  FUZZ_CHECK(arp && !matches(*arp, q));

  // The reply the asked host should send, from the MAC in the frame's source field, always matches
  // unless that MAC is unusable.
  if (frame.size() >= 12) {
    Mac peer;
    std::copy(frame.begin() + 6, frame.begin() + 12, peer.bytes.begin());
    Bytes reply;
    Writer w(reply);
    encode_ethernet(w, EthernetHeader{q.our_mac, peer, kEtherTypeArp, std::nullopt});
    encode_arp(w, ArpPacket{ArpOp::reply, peer, q.asked, q.our_mac, q.our_ip});
    auto r = decode_arp(ByteView(reply).subspan(kEthernetHeaderLen));
    FUZZ_CHECK(r);
    FUZZ_CHECK(matches(*r, q) == (!peer.is_zero() && !peer.is_multicast()));
    check_frame(reply, q);
  }
  return 0;
}
