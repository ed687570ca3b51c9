#include <doctest/doctest.h>

#include <set>
#include <string>

#include "test_util.hpp"
#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/render/words.hpp"
#include "vpcprobe/wire/icmp.hpp"
#include "vpcprobe/wire/ipv4.hpp"

using namespace vpcprobe;
using namespace vpcprobe::wire;

namespace {
// What render/ calls an error of this type and code (the words left wire/ with the refactor).
std::string icmp_error_meaning(std::uint8_t type, std::uint8_t code, std::uint16_t mtu = 0) {
  return vpcprobe::render::icmp_meaning(vpcprobe::model::IcmpErrorInfo{type, code, mtu, {}});
}
}  // namespace

namespace {
const Ipv4 kUs = Ipv4::from_octets(10, 0, 0, 1);
const Ipv4 kPeer = Ipv4::from_octets(10, 0, 0, 2);
const Ipv4 kTarget = Ipv4::from_octets(10, 9, 9, 9);

// Echo request, id 0x1234, seq 1, payload "abcd".
// Checksum: 0800 + 1234 + 0001 + 6162 + 6364 = defb; ~defb = 2104.
const auto kEchoRequest = hex("08 00 21 04 12 34 00 01 61 62 63 64");

// The peer's echo reply in an IPv4 packet, 10.0.0.2 -> 10.0.0.1, DF, TTL 64, id abcd, 32 bytes.
// IP checksum: 4500 + 0020 + abcd + 4000 + 4001 + 0a00 + 0002 + 0a00 + 0001 = 184f1;
//   fold: 84f1 + 1 = 84f2; ~84f2 = 7b0d.
// ICMP checksum: 0000 + 1234 + 0001 + 6162 + 6364 = d6fb; ~d6fb = 2904.
const auto kEchoReplyPacket = hex(
    "45 00 00 20 ab cd 40 00 40 01 7b 0d 0a 00 00 02 0a 00 00 01"
    "00 00 29 04 12 34 00 01 61 62 63 64");

// Time exceeded from a router, quoting our TTL-1 echo request to 10.9.9.9 (header + 8 bytes).
// Quoted IP checksum: 4500 + 0020 + 0001 + 0000 + 0101 + 0a00 + 0001 + 0a09 + 0909 = 6335;
//   ~6335 = 9cca.
// ICMP checksum: 0b00 + (quoted header incl. its checksum = ffff, i.e. -0) +
//   (0800 + 2104 + 1234 + 0001 = 3b39) = 4639; ~4639 = b9c6.
const auto kTimeExceeded = hex(
    "0b 00 b9 c6 00 00 00 00"
    "45 00 00 20 00 01 00 00 01 01 9c ca 0a 00 00 01 0a 09 09 09"
    "08 00 21 04 12 34 00 01");

// The first 8 bytes of our SYN 10.0.0.1:40000 -> 10.9.9.9:443, ISN 01020304.
const auto kSynHead = hex("9c 40 01 bb 01 02 03 04");

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A quoted datagram: an IPv4 header (with options) claiming `transport_len` bytes of payload, of
// which `transport` (often just the first 8 bytes) is present.
Bytes quote(std::uint8_t protocol, ByteView options, const Bytes& transport,
            std::size_t transport_len, Ipv4 dst = kTarget, std::uint16_t frag_offset = 0) {
  Ipv4Header h;
  h.ttl = 1;
  h.protocol = protocol;
  h.src = kUs;
  h.dst = dst;
  h.fragment_offset = frag_offset;
  h.total_len = static_cast<std::uint16_t>(20 + options.size() + transport_len);
  Bytes out;
  Writer w(out);
  encode_ipv4(w, h, options);
  return cat(out, transport);
}

Bytes icmp_error(std::uint8_t type, std::uint8_t code, std::uint32_t rest, const Bytes& quoted) {
  Bytes out;
  Writer w(out);
  w.u8(type);
  w.u8(code);
  w.be16(0);
  w.be32(rest);
  w.bytes(quoted);
  const auto sum = internet_checksum(out);
  out[2] = static_cast<std::uint8_t>(sum >> 8);
  out[3] = static_cast<std::uint8_t>(sum);
  return out;
}

// The result views into `bytes`, so the caller must keep them alive: temporaries are refused.
Result<IcmpError> decode_error_bytes(ByteView bytes) {
  auto msg = decode_icmp(bytes);
  if (!msg) return std::unexpected(msg.error());
  return decode_icmp_error(*msg);
}
Result<IcmpError> decode_error_bytes(const Bytes& bytes) { return decode_error_bytes(ByteView(bytes)); }
Result<IcmpError> decode_error_bytes(Bytes&&) = delete;

bool rejected_error(const Bytes& quoted) {
  const auto bytes = icmp_error(icmp_type::time_exceeded, 0, 0, quoted);
  auto e = decode_error_bytes(bytes);
  return !e && e.error().code == Errc::malformed;
}
}  // namespace

// ---------------------------------------------------------------- IPv4

TEST_CASE("IPv4 header encodes to the hand-checked bytes") {
  Ipv4Header h;
  h.total_len = 32;
  h.id = 0xabcd;
  h.dont_fragment = true;
  h.ttl = 64;
  h.protocol = kProtoIcmp;
  h.src = kPeer;
  h.dst = kUs;
  Bytes out;
  Writer w(out);
  encode_ipv4(w, h);
  CHECK(out == Bytes(kEchoReplyPacket.begin(), kEchoReplyPacket.begin() + 20));
}

TEST_CASE("echo reply inside an IPv4 packet decodes") {
  auto ip = decode_ipv4(kEchoReplyPacket);
  REQUIRE(ip);
  CHECK(ip->header.header_len == 20);
  CHECK(ip->header.total_len == 32);
  CHECK(ip->header.id == 0xabcd);
  CHECK(ip->header.dont_fragment);
  CHECK_FALSE(ip->header.more_fragments);
  CHECK(ip->header.fragment_offset == 0);
  CHECK(ip->header.ttl == 64);
  CHECK(ip->header.protocol == kProtoIcmp);
  CHECK(ip->header.checksum == 0x7b0d);
  CHECK(ip->header.src == kPeer);
  CHECK(ip->header.dst == kUs);
  CHECK(ip->options.empty());
  CHECK(internet_checksum(ByteView(kEchoReplyPacket).first(20)) == 0);
  REQUIRE(ip->payload.size() == 12);

  auto icmp = decode_icmp(ip->payload);
  REQUIRE(icmp);
  CHECK(icmp->type == icmp_type::echo_reply);
  CHECK(icmp->code == 0);
  CHECK(icmp->checksum == 0x2904);
  CHECK(icmp->checksum_ok);
  CHECK_FALSE(icmp->is_error());
  CHECK(icmp->echo_id() == 0x1234);
  CHECK(icmp->echo_seq() == 1);
  CHECK(Bytes(icmp->body.begin(), icmp->body.end()) == hex("61 62 63 64"));
  CHECK_FALSE(decode_icmp_error(*icmp));  // an echo reply is not an error
}

TEST_CASE("IPv4 round trip with flags, fragment offset and options") {
  for (std::size_t opt_len : {0u, 4u, 40u}) {
    CAPTURE(opt_len);
    Bytes options(opt_len, 0x01);  // NOPs
    Ipv4Header h;
    h.tos = 0xb8;
    h.id = 0xbeef;
    h.more_fragments = true;
    h.fragment_offset = 0x1abc;
    h.ttl = 3;
    h.protocol = kProtoUdp;
    h.src = kUs;
    h.dst = kTarget;
    h.total_len = static_cast<std::uint16_t>(20 + opt_len + 5);
    Bytes out;
    Writer w(out);
    encode_ipv4(w, h, options);
    REQUIRE(out.size() == 20 + opt_len);
    CHECK(internet_checksum(out) == 0);
    w.bytes(hex("01 02 03 04 05"));
    auto p = decode_ipv4(out);
    REQUIRE(p);
    CHECK(p->header.header_len == 20 + opt_len);
    CHECK(p->header.tos == 0xb8);
    CHECK(p->header.id == 0xbeef);
    CHECK_FALSE(p->header.dont_fragment);
    CHECK(p->header.more_fragments);
    CHECK(p->header.fragment_offset == 0x1abc);
    CHECK(p->header.ttl == 3);
    CHECK(p->header.protocol == kProtoUdp);
    CHECK(p->header.src == kUs);
    CHECK(p->header.dst == kTarget);
    CHECK(Bytes(p->options.begin(), p->options.end()) == options);
    CHECK(Bytes(p->payload.begin(), p->payload.end()) == hex("01 02 03 04 05"));
  }
}

TEST_CASE("IPv4 options that are not a multiple of 4 are padded with End-of-List") {
  Ipv4Header h;
  h.total_len = 24;
  Bytes out;
  Writer w(out);
  encode_ipv4(w, h, hex("01 01 01"));
  REQUIRE(out.size() == 24);
  CHECK(out[0] == 0x46);
  CHECK(out[23] == 0x00);
  CHECK(internet_checksum(out) == 0);
}

TEST_CASE("malformed IPv4 headers are rejected") {
  auto with = [](std::size_t at, std::uint8_t v) {
    auto b = kEchoReplyPacket;
    b[at] = v;
    return b;
  };
  CHECK(decode_ipv4(with(0, 0x65)).error().code == Errc::malformed);  // version 6
  CHECK_FALSE(decode_ipv4(with(0, 0x44)));                            // IHL 4
  CHECK_FALSE(decode_ipv4(with(0, 0x40)));                            // IHL 0
  CHECK_FALSE(decode_ipv4(with(3, 19)));                              // total_len < IHL*4
  CHECK_FALSE(decode_ipv4(with(3, 33)));                              // total_len > size
  CHECK_FALSE(decode_ipv4(with(0, 0x4f)));                            // IHL*4 = 60 > size 32
  CHECK(decode_ipv4(with(3, 20)));  // total_len == IHL*4: an empty payload is fine
  CHECK(decode_ipv4(with(3, 20))->payload.empty());
  // Version 6 is rejected even when the rest would pass as IPv4.
  CHECK_FALSE(decode_quoted_ipv4(with(0, 0x65)));
}

TEST_CASE("bytes past IPv4 total length are ignored") {
  auto padded = cat(kEchoReplyPacket, Bytes(14, 0xee));  // e.g. Ethernet padding
  auto p = decode_ipv4(padded);
  REQUIRE(p);
  CHECK(p->payload.size() == 12);
  CHECK(p->payload.back() == 0x64);
}

TEST_CASE("every truncation of the IPv4 packet is rejected") {
  for (std::size_t n = 0; n < kEchoReplyPacket.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(decode_ipv4(ByteView(kEchoReplyPacket).first(n)));
  }
  // A quote may lose payload, never header.
  for (std::size_t n = 0; n < 20; ++n) {
    CAPTURE(n);
    CHECK_FALSE(decode_quoted_ipv4(ByteView(kEchoReplyPacket).first(n)));
  }
}

TEST_CASE("a quoted datagram's payload is what is present, capped at total length") {
  auto q = quote(kProtoTcp, {}, cat(kSynHead, hex("00 00 00 00")), 24);
  auto p = decode_quoted_ipv4(q);
  REQUIRE(p);
  CHECK(p->payload.size() == 12);  // 24 claimed, 12 present
  auto capped = quote(kProtoTcp, {}, cat(kSynHead, hex("00 00 00 00")), 10);
  p = decode_quoted_ipv4(capped);
  REQUIRE(p);
  CHECK(p->payload.size() == 10);  // 12 present, 10 claimed
  p = decode_quoted_ipv4(quote(kProtoTcp, hex("01 01 01 00"), kSynHead, 8));
  REQUIRE(p);
  CHECK(p->options.size() == 4);
  CHECK(p->payload.size() == 8);
}

// ---------------------------------------------------------------- ICMP echo

TEST_CASE("echo request matches the hand-checked bytes") {
  const auto payload = hex("61 62 63 64");
  CHECK(encode_echo_request(0x1234, 1, payload) == kEchoRequest);
  auto m = decode_icmp(kEchoRequest);
  REQUIRE(m);
  CHECK(m->type == icmp_type::echo_request);
  CHECK(m->checksum == 0x2104);
  CHECK(m->checksum_ok);
  CHECK(m->echo_id() == 0x1234);
  CHECK(m->echo_seq() == 1);
}

TEST_CASE("echo request round trips") {
  for (std::size_t len : {0u, 1u, 3u, 56u}) {
    CAPTURE(len);
    Bytes payload(len);
    for (std::size_t i = 0; i < len; ++i) payload[i] = static_cast<std::uint8_t>(0xa0 + i);
    auto bytes = encode_echo_request(0xfedc, 0xba98, payload);
    REQUIRE(bytes.size() == 8 + len);
    auto m = decode_icmp(bytes);
    REQUIRE(m);
    CHECK(m->type == icmp_type::echo_request);
    CHECK(m->code == 0);
    CHECK(m->checksum_ok);
    CHECK(m->echo_id() == 0xfedc);
    CHECK(m->echo_seq() == 0xba98);
    CHECK(Bytes(m->body.begin(), m->body.end()) == payload);
  }
}

TEST_CASE("a bad ICMP checksum is reported, not rejected") {
  auto bytes = kEchoRequest;
  bytes[9] ^= 0x01;
  auto m = decode_icmp(bytes);
  REQUIRE(m);
  CHECK_FALSE(m->checksum_ok);
}

TEST_CASE("every truncation of the ICMP fixtures is rejected") {
  // Below 8 bytes there is no header; beyond it the cut is caught by the checksum.
  for (std::size_t n = 0; n < kEchoRequest.size(); ++n) {
    CAPTURE(n);
    auto m = decode_icmp(ByteView(kEchoRequest).first(n));
    if (n < kIcmpHeaderLen) {
      CHECK_FALSE(m);
    } else {
      REQUIRE(m);
      CHECK_FALSE(m->checksum_ok);
    }
  }
  for (std::size_t n = 0; n < kTimeExceeded.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(decode_error_bytes(ByteView(kTimeExceeded).first(n)));
  }
}

// ---------------------------------------------------------------- ICMP errors

TEST_CASE("time exceeded quoting our echo request (hand-checked)") {
  auto m = decode_icmp(kTimeExceeded);
  REQUIRE(m);
  CHECK(m->checksum_ok);
  CHECK(m->is_error());
  auto e = decode_icmp_error(*m);
  REQUIRE(e);
  CHECK(e->type == icmp_type::time_exceeded);
  CHECK(e->code == 0);
  CHECK(e->next_hop_mtu == 0);
  CHECK(e->quoted.header.src == kUs);
  CHECK(e->quoted.header.dst == kTarget);
  CHECK(e->quoted.header.ttl == 1);
  CHECK(e->quoted.header.protocol == kProtoIcmp);
  CHECK(e->quoted.payload.size() == 8);
  CHECK(icmp_error_meaning(e->type, e->code) == "TTL exceeded in transit");
  auto echo = quoted_echo(*e);
  REQUIRE(echo);
  CHECK(echo->src == kUs);
  CHECK(echo->dst == kTarget);
  CHECK(echo->id == 0x1234);
  CHECK(echo->seq == 1);
  CHECK_FALSE(quoted_tcp(*e));
}

TEST_CASE("destination unreachable: port, host, admin prohibited") {
  struct Case {
    std::uint8_t code;
    const char* meaning;
  };
  for (auto c : {Case{unreach_code::port, "port unreachable"},
                 Case{unreach_code::host, "host unreachable"},
                 Case{unreach_code::admin_prohibited, "communication administratively prohibited"}}) {
    CAPTURE(c.code);
    // Unused bits set in `rest` must not leak into next_hop_mtu.
    auto bytes = icmp_error(icmp_type::dest_unreachable, c.code, 0x000005dc,
                            quote(kProtoTcp, {}, kSynHead, 24));
    auto e = decode_error_bytes(bytes);
    REQUIRE(e);
    CHECK(e->type == icmp_type::dest_unreachable);
    CHECK(e->code == c.code);
    CHECK(e->next_hop_mtu == 0);
    CHECK(icmp_error_meaning(e->type, e->code, e->next_hop_mtu) == c.meaning);
    auto t = quoted_tcp(*e);
    REQUIRE(t);
    CHECK(t->src == kUs);
    CHECK(t->dst == kTarget);
    CHECK(t->sport == 40000);
    CHECK(t->dport == 443);
    CHECK(t->seq == 0x01020304);
    CHECK_FALSE(quoted_echo(*e));
  }
}

TEST_CASE("fragmentation needed carries the next-hop MTU") {
  // rest = 0000 0578: unused 16 bits, then MTU 1400 (RFC 1191).
  auto bytes = icmp_error(icmp_type::dest_unreachable, unreach_code::frag_needed, 0x00000578,
                          quote(kProtoIcmp, {}, hex("08 00 21 04 12 34 00 01"), 1472));
  auto m = decode_icmp(bytes);
  REQUIRE(m);
  CHECK(m->checksum_ok);
  auto e = decode_icmp_error(*m);
  REQUIRE(e);
  CHECK(e->next_hop_mtu == 1400);
  CHECK(icmp_error_meaning(e->type, e->code, e->next_hop_mtu) ==
        "fragmentation needed (next-hop MTU 1400)");
  CHECK(icmp_error_meaning(e->type, e->code) == "fragmentation needed");
  REQUIRE(quoted_echo(*e));
  CHECK(quoted_echo(*e)->id == 0x1234);
}

TEST_CASE("quoted headers with IP options (IHL 6 and 15)") {
  for (std::size_t opt_len : {4u, 40u}) {
    CAPTURE(opt_len);
    Bytes options(opt_len, 0x01);
    options.back() = 0x00;
    const auto bytes = icmp_error(icmp_type::dest_unreachable, unreach_code::port, 0,
                                  quote(kProtoTcp, options, kSynHead, 24));
    auto e = decode_error_bytes(bytes);
    REQUIRE(e);
    CHECK(e->quoted.header.header_len == 20 + opt_len);
    CHECK(e->quoted.options.size() == opt_len);
    CHECK(e->quoted.payload.size() == 8);
    // Ports are read after the options, not from them.
    auto t = quoted_tcp(*e);
    REQUIRE(t);
    CHECK(t->sport == 40000);
    CHECK(t->dport == 443);
    CHECK(t->seq == 0x01020304);
  }
}

TEST_CASE("truncated quotes are rejected") {
  const auto seven = Bytes(kSynHead.begin(), kSynHead.begin() + 7);
  auto bad = [](const Bytes& q) {
    const auto bytes = icmp_error(icmp_type::dest_unreachable, unreach_code::port, 0, q);
    auto e = decode_error_bytes(bytes);
    return !e && e.error().code == Errc::malformed;
  };
  CHECK(bad(quote(kProtoTcp, {}, {}, 24)));                  // header only
  CHECK(bad(quote(kProtoTcp, {}, seven, 24)));               // header + 7 bytes
  CHECK(bad(quote(kProtoTcp, hex("01 01 01 00"), seven, 24)));  // IHL 6, header + 7 bytes
  CHECK_FALSE(bad(quote(kProtoTcp, {}, kSynHead, 24)));      // header + 8 is enough
  CHECK(bad({}));                                            // nothing quoted
  // A quote whose own total length says less than 8 bytes of payload is too short as well.
  CHECK(bad(quote(kProtoTcp, {}, kSynHead, 4)));
}

TEST_CASE("a quote whose IHL claims more bytes than present is rejected") {
  // 28 bytes quoted; IHL 15 claims a 60-byte header (the 8 transport bytes would be read as options).
  auto q = quote(kProtoTcp, {}, kSynHead, 24);
  q[0] = 0x4f;
  CHECK(rejected_error(q));
  // IHL 6 with exactly 20 + 8 bytes: the header eats 4 of the 8, leaving 4.
  q[0] = 0x46;
  CHECK(rejected_error(q));
  // Quoted total length shorter than the quoted header.
  q[0] = 0x45;
  q[2] = 0;
  q[3] = 16;
  CHECK(rejected_error(q));
}

TEST_CASE("quotes of someone else's probe yield different fields") {
  // Same shape as ours, but another destination and id: a matcher must compare every field.
  const auto other_echo = icmp_error(
      icmp_type::time_exceeded, 0, 0,
      quote(kProtoIcmp, {}, hex("08 00 00 00 99 99 00 07"), 8, Ipv4::from_octets(10, 9, 9, 8)));
  auto e = decode_error_bytes(other_echo);
  REQUIRE(e);
  auto echo = quoted_echo(*e);
  REQUIRE(echo);
  CHECK(echo->src == kUs);
  CHECK(echo->dst != kTarget);
  CHECK(echo->dst == Ipv4::from_octets(10, 9, 9, 8));
  CHECK(echo->id == 0x9999);
  CHECK(echo->id != 0x1234);
  CHECK(echo->seq == 7);

  const auto other_tcp = icmp_error(icmp_type::dest_unreachable, unreach_code::port, 0,
                                    quote(kProtoTcp, {}, hex("9c 41 00 50 0a 0b 0c 0d"), 20));
  e = decode_error_bytes(other_tcp);
  REQUIRE(e);
  auto t = quoted_tcp(*e);
  REQUIRE(t);
  CHECK(t->sport == 40001);
  CHECK(t->dport == 80);
  CHECK(t->dport != 443);
  CHECK(t->seq == 0x0a0b0c0d);
}

TEST_CASE("quotes that are not one of our probes") {
  // A quoted echo reply is not a probe we sent.
  const auto reply = icmp_error(icmp_type::time_exceeded, 0, 0,
                                quote(kProtoIcmp, {}, hex("00 00 29 04 12 34 00 01"), 12));
  auto e = decode_error_bytes(reply);
  REQUIRE(e);
  CHECK_FALSE(quoted_echo(*e));
  // UDP is neither.
  const auto udp = icmp_error(icmp_type::dest_unreachable, unreach_code::port, 0,
                              quote(kProtoUdp, {}, kSynHead, 8));
  e = decode_error_bytes(udp);
  REQUIRE(e);
  CHECK_FALSE(quoted_echo(*e));
  CHECK_FALSE(quoted_tcp(*e));
  // A non-first fragment quotes data from the middle of the datagram, not the TCP ports.
  const auto fragment = icmp_error(icmp_type::time_exceeded, 1, 0,
                                   quote(kProtoTcp, {}, kSynHead, 8, kTarget, 185));
  e = decode_error_bytes(fragment);
  REQUIRE(e);
  CHECK_FALSE(quoted_tcp(*e));
}

TEST_CASE("only error types decode as errors") {
  const auto q = quote(kProtoTcp, {}, kSynHead, 24);
  for (std::uint8_t type : {icmp_type::dest_unreachable, icmp_type::source_quench,
                            icmp_type::redirect, icmp_type::time_exceeded,
                            icmp_type::parameter_problem}) {
    CAPTURE(int{type});
    const auto bytes = icmp_error(type, 0, 0, q);
    CHECK(decode_error_bytes(bytes));
  }
  for (std::uint8_t type : {icmp_type::echo_reply, icmp_type::echo_request, std::uint8_t{13}}) {
    CAPTURE(int{type});
    const auto bytes = icmp_error(type, 0, 0, q);
    CHECK_FALSE(decode_error_bytes(bytes));
  }
}

TEST_CASE("icmp_error_meaning") {
  std::set<std::string> seen;
  for (std::uint8_t code = 0; code <= 15; ++code) {
    auto m = icmp_error_meaning(icmp_type::dest_unreachable, code);
    CAPTURE(m);
    CHECK(m.find("ICMP type") == std::string::npos);  // every code has words
    seen.insert(m);
  }
  CHECK(seen.size() == 16);  // and different words
  CHECK(icmp_error_meaning(3, 0) == "network unreachable");
  CHECK(icmp_error_meaning(3, 2) == "protocol unreachable");
  CHECK(icmp_error_meaning(3, 6) == "destination network unknown");
  CHECK(icmp_error_meaning(3, 7) == "destination host unknown");
  CHECK(icmp_error_meaning(3, 9) == "network administratively prohibited");
  CHECK(icmp_error_meaning(3, 10) == "host administratively prohibited");
  CHECK(icmp_error_meaning(3, 13) == "communication administratively prohibited");
  CHECK(icmp_error_meaning(11, 0) == "TTL exceeded in transit");
  CHECK(icmp_error_meaning(11, 1) == "fragment reassembly time exceeded");
  CHECK(icmp_error_meaning(12, 0).starts_with("parameter problem"));
  CHECK(icmp_error_meaning(3, 16) == "ICMP type 3 code 16");
  CHECK(icmp_error_meaning(11, 2) == "ICMP type 11 code 2");
  CHECK(icmp_error_meaning(42, 7) == "ICMP type 42 code 7");
}
