#include <doctest/doctest.h>

#include <utility>

#include "test_util.hpp"
#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/wire/tcp.hpp"

using namespace vpcprobe;
using namespace vpcprobe::wire;

namespace {
const Ipv4 kUs = Ipv4::from_octets(10, 0, 0, 1);
const Ipv4 kPeer = Ipv4::from_octets(10, 0, 0, 2);
const auto kOut = std::make_pair(kUs, kPeer);
const auto kIn = std::make_pair(kPeer, kUs);

// Our SYN 10.0.0.1:40000 -> 10.0.0.2:443, ISN 01020304, data offset 6, window 64240, MSS 1460.
// Pseudo header: 0a00 + 0001 + 0a00 + 0002 + 0006 + 0018 = 1421.
// Segment: 9c40 + 01bb + 0102 + 0304 + 6002 + faf0 + 0204 + 05b4 = 204ab.
// 204ab + 1421 = 218cc; fold: 18cc + 2 = 18ce; ~18ce = e731.
const auto kSyn = hex(
    "9c 40 01 bb 01 02 03 04 00 00 00 00 60 02 fa f0 e7 31 00 00"
    "02 04 05 b4");

// Our RST, seq 01020305, 20 bytes. Pseudo header with length 0014: 141d.
// Segment: 9c40 + 01bb + 0102 + 0305 + 5004 = f206; f206 + 141d = 10623; fold: 0624; ~0624 = f9db.
const auto kRst = hex("9c 40 01 bb 01 02 03 05 00 00 00 00 50 04 00 00 f9 db 00 00");

// The peer's SYN-ACK 10.0.0.2:443 -> 10.0.0.1:40000, data offset 10, window 65160, options as
// Linux sends them: MSS 1460, SACK permitted, timestamps (1000, 200), NOP, window scale 7.
// Pseudo header (length 0028): 0a00 + 0002 + 0a00 + 0001 + 0006 + 0028 = 1431.
// Segment: 01bb + 9c40 + a0b0 + c0d0 + 0102 + 0305 + a012 + fe88 = 3a21c;
//   options: 0204 + 05b4 + 0402 + 080a + 0000 + 1000 + 0000 + 0200 + 0103 + 0307 = 19ce;
//   3a21c + 19ce + 1431 = 3e01b; fold: e01b + 3 = e01e; ~e01e = 1fe1.
const auto kSynAck = hex(
    "01 bb 9c 40 a0 b0 c0 d0 01 02 03 05 a0 12 fe 88 1f e1 00 00"
    "02 04 05 b4"                    // MSS 1460
    "04 02"                          // SACK permitted
    "08 0a 00 00 10 00 00 00 02 00"  // timestamps
    "01"                             // NOP
    "03 03 07");                     // window scale 7

// A 20 + options.size() byte header (options padded by the caller) with no valid checksum.
Bytes with_options(const Bytes& options) {
  auto seg = hex("9c 40 01 bb 00 00 00 01 00 00 00 00 50 02 fa f0 00 00 00 00");
  seg[12] = static_cast<std::uint8_t>(((20 + options.size()) / 4) << 4);
  seg.insert(seg.end(), options.begin(), options.end());
  return seg;
}
}  // namespace

TEST_CASE("SYN matches the hand-checked bytes") {
  CHECK(encode_tcp_syn(kUs, kPeer, 40000, 443, 0x01020304) == kSyn);
  auto s = decode_tcp(kSyn, kOut);
  REQUIRE(s);
  CHECK(s->sport == 40000);
  CHECK(s->dport == 443);
  CHECK(s->seq == 0x01020304);
  CHECK(s->ack == 0);
  CHECK(s->header_len == 24);
  CHECK(s->flags == tcp_flag::syn);
  CHECK(s->window == 64240);
  CHECK(s->checksum == 0xe731);
  CHECK(s->urgent == 0);
  CHECK(s->mss == 1460);
  CHECK(s->payload.empty());
}

TEST_CASE("RST matches the hand-checked bytes") {
  CHECK(encode_tcp_rst(kUs, kPeer, 40000, 443, 0x01020305) == kRst);
  auto s = decode_tcp(kRst, kOut);
  REQUIRE(s);
  CHECK(s->flags == tcp_flag::rst);
  CHECK(s->has(tcp_flag::rst));
  CHECK_FALSE(s->has(tcp_flag::syn));
  CHECK(s->seq == 0x01020305);
  CHECK(s->ack == 0);
  CHECK(s->window == 0);
  CHECK(s->header_len == 20);
  CHECK(s->options.empty());
  CHECK_FALSE(s->mss);
}

TEST_CASE("SYN-ACK with MSS, SACK-permitted, timestamps, NOP and window scale") {
  auto s = decode_tcp(kSynAck, kIn);
  REQUIRE(s);
  CHECK(s->sport == 443);
  CHECK(s->dport == 40000);
  CHECK(s->seq == 0xa0b0c0d0);
  CHECK(s->ack == 0x01020305);
  CHECK(s->header_len == 40);
  CHECK(s->has(tcp_flag::syn | tcp_flag::ack));
  CHECK_FALSE(s->has(tcp_flag::rst));
  CHECK(s->window == 65160);
  CHECK(s->checksum == 0x1fe1);
  CHECK(s->options.size() == 20);
  CHECK(s->mss == 1460);
  CHECK(s->payload.empty());
  // Swapping src and dst leaves a one's-complement sum unchanged, so a wrong address is the test.
  CHECK_FALSE(decode_tcp(kSynAck, std::make_pair(kPeer, Ipv4::from_octets(10, 0, 0, 3))));
}

TEST_CASE("SYN and RST round trip") {
  for (std::uint16_t port : {std::uint16_t{1}, std::uint16_t{22}, std::uint16_t{65535}}) {
    CAPTURE(port);
    auto syn = encode_tcp_syn(kUs, kPeer, 33000, port, 0xdeadbeef);
    auto s = decode_tcp(syn, kOut);
    REQUIRE(s);
    CHECK(s->sport == 33000);
    CHECK(s->dport == port);
    CHECK(s->seq == 0xdeadbeef);
    CHECK(s->flags == tcp_flag::syn);
    CHECK(s->mss == 1460);
    CHECK(Bytes(s->options.begin(), s->options.end()) == hex("02 04 05 b4"));

    auto rst = encode_tcp_rst(kUs, kPeer, 33000, port, 0xdeadbef0);
    auto r = decode_tcp(rst, kOut);
    REQUIRE(r);
    CHECK(r->dport == port);
    CHECK(r->seq == 0xdeadbef0);
    CHECK(r->flags == tcp_flag::rst);
  }
}

TEST_CASE("every truncation of the TCP fixtures is rejected") {
  for (const auto* fixture : {&kSyn, &kRst, &kSynAck}) {
    for (std::size_t n = 0; n < fixture->size(); ++n) {
      CAPTURE(n);
      auto cut = ByteView(*fixture).first(n);
      CHECK_FALSE(decode_tcp(cut));
      CHECK_FALSE(decode_tcp(cut, kOut));
    }
  }
}

TEST_CASE("bad checksum: rejected when verifying, accepted when not") {
  auto bytes = kSynAck;
  bytes[15] ^= 0x01;  // window
  CHECK(decode_tcp(bytes, kIn).error().code == Errc::malformed);
  auto s = decode_tcp(bytes);
  REQUIRE(s);
  CHECK(s->window == 65161);
}

TEST_CASE("data offset out of range is rejected") {
  auto bytes = kSyn;
  for (int off : {0, 1, 4}) {
    CAPTURE(off);
    bytes[12] = static_cast<std::uint8_t>(off << 4);
    CHECK_FALSE(decode_tcp(bytes));
  }
  bytes[12] = 0x70;  // 28 > 24
  CHECK_FALSE(decode_tcp(bytes));
  bytes[12] = 0xf0;  // 60 > 24
  CHECK_FALSE(decode_tcp(bytes));
  // Offset 15 with all 60 bytes present is fine.
  auto full = with_options(Bytes(40, 0x01));
  auto s = decode_tcp(full);
  REQUIRE(s);
  CHECK(s->header_len == 60);
  // Offset 5 on the SYN turns its option into payload.
  bytes[12] = 0x50;
  s = decode_tcp(bytes);
  REQUIRE(s);
  CHECK(s->payload.size() == 4);
  CHECK_FALSE(s->mss);
}

TEST_CASE("hostile option lengths are rejected") {
  CHECK_FALSE(decode_tcp(with_options(hex("08 00 00 00"))));  // length 0 would loop forever
  CHECK_FALSE(decode_tcp(with_options(hex("08 01 00 00"))));  // length 1 would too
  CHECK_FALSE(decode_tcp(with_options(hex("02 05 05 b4"))));  // runs one byte past the header
  CHECK_FALSE(decode_tcp(with_options(hex("01 01 08 0a"))));  // timestamps cut off
  CHECK_FALSE(decode_tcp(with_options(hex("01 01 01 02"))));  // kind with no length byte
  // The length counts against the options area, not the segment: payload does not save it.
  auto seg = with_options(hex("02 08 05 b4"));
  seg.insert(seg.end(), {0xaa, 0xbb, 0xcc, 0xdd});
  CHECK_FALSE(decode_tcp(seg));
}

TEST_CASE("well-formed option areas are accepted") {
  auto s = decode_tcp(with_options(hex("00 ff ff ff")));  // End of list: the rest is padding
  REQUIRE(s);
  CHECK_FALSE(s->mss);
  s = decode_tcp(with_options(hex("1e 02 01 00")));  // an unknown kind with a sane length
  REQUIRE(s);
  s = decode_tcp(with_options(hex("02 03 05 00")));  // MSS with the wrong length is not an MSS
  REQUIRE(s);
  CHECK_FALSE(s->mss);
  s = decode_tcp(with_options(hex("01 01 02 04 02 18 00 00")));  // NOPs then MSS 536
  REQUIRE(s);
  CHECK(s->mss == 536);
}

TEST_CASE("payload after the header is returned") {
  auto seg = with_options(hex("02 04 05 b4"));
  seg.insert(seg.end(), {0x68, 0x69});
  auto s = decode_tcp(seg);
  REQUIRE(s);
  CHECK(Bytes(s->payload.begin(), s->payload.end()) == hex("68 69"));
  CHECK(s->mss == 1460);
}
