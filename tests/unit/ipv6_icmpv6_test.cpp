#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "test_util.hpp"
#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/wire/ethernet.hpp"
#include "vpcprobe/wire/icmpv6.hpp"
#include "vpcprobe/wire/ipv6.hpp"

using namespace vpcprobe;
using namespace vpcprobe::wire;

namespace {
Ipv6 v6(const char* text) {
  auto a = Ipv6::parse(text);
  REQUIRE(a);
  return *a;
}
Mac mac(const char* text) {
  auto m = Mac::parse(text);
  REQUIRE(m);
  return *m;
}

const Ipv6 kUs = *Ipv6::parse("2001:db8:1::10");
const Ipv6 kPeer = *Ipv6::parse("2001:db8:1::20");
const Ipv6 kRouter = *Ipv6::parse("2001:db8:1::1");
const Ipv6 kTarget = *Ipv6::parse("2001:db8:9::9");
const Mac kUsMac = *Mac::parse("02:00:00:00:00:01");
const Mac kPeerMac = *Mac::parse("02:00:00:00:00:20");

// The checksums below were computed apart from this code (one's-complement sum of the pseudo header
// src, dst, 32-bit length, 00 00 00 3a, then the message); icmpv6_checksum_ok checks each.

// The peer's echo reply, 2001:db8:1::20 -> 2001:db8:1::10, hop limit 64, id 0x1234, seq 1, "abcd".
const auto kEchoReplyPacket = hex(
    "60 00 00 00 00 0c 3a 40"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 20"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 10"
    "81 00 4c 19 12 34 00 01 61 62 63 64");

// A Neighbor Advertisement as Linux sends it in answer to our solicitation: from the target to us,
// hop limit 255, flags S|O, target 2001:db8:1::20, a target link-layer address option
// 02:00:00:00:00:20.
const auto kNeighborAdvertPacket = hex(
    "60 00 00 00 00 20 3a ff"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 20"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 10"
    "88 00 8a 05 60 00 00 00"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 20"
    "02 01 02 00 00 00 00 20");

// Packet Too Big (MTU 1280) from the router 2001:db8:1::1, quoting our 1500-byte echo request to
// 2001:db8:9::9 (payload length 1452, hop limit 63 after one hop, id 0x1234, seq 1, "abcdefgh"),
// cut after the first 16 bytes of the echo.
const auto kPacketTooBigPacket = hex(
    "60 00 00 00 00 40 3a 3e"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 10"
    "02 00 fd 5e 00 00 05 00"
    "60 00 00 00 05 ac 3a 3f"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 10"
    "20 01 0d b8 00 09 00 00 00 00 00 00 00 00 00 09"
    "80 00 80 55 12 34 00 01 61 62 63 64 65 66 67 68");

// Our SYN 2001:db8:1::10:40000 -> [2001:db8:9::9]:443, ISN 01020304, MSS 1420 (TCP checksum 9d97).
const auto kSyn = hex(
    "9c 40 01 bb 01 02 03 04 00 00 00 00 60 02 fd 20"
    "9d 97 00 00 02 04 05 8c");

// Destination unreachable, administratively prohibited (code 1), from a firewall at 2001:db8:1::1,
// quoting the whole SYN (the ICMPv6 message alone, as an ICMPv6 socket delivers it).
const auto kAdminProhibited = hex(
    "01 01 3c bd 00 00 00 00"
    "60 00 00 00 00 18 06 40"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 10"
    "20 01 0d b8 00 09 00 00 00 00 00 00 00 00 00 09"
    "9c 40 01 bb 01 02 03 04 00 00 00 00 60 02 fd 20"
    "9d 97 00 00 02 04 05 8c");

// Our solicitation for 2001:db8:1::20 as a whole frame: to 33:33:ff:00:00:20 from 02:00:00:00:00:01,
// IPv6 2001:db8:1::10 -> ff02::1:ff00:20, hop limit 255, NS with the source link-layer option.
const auto kNeighborSolicitFrame = hex(
    "33 33 ff 00 00 20 02 00 00 00 00 01 86 dd"
    "60 00 00 00 00 20 3a ff"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 10"
    "ff 02 00 00 00 00 00 00 00 00 00 01 ff 00 00 20"
    "87 00 1b da 00 00 00 00"
    "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 20"
    "01 01 02 00 00 00 00 01");

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
Bytes bytes_of(ByteView v) { return Bytes(v.begin(), v.end()); }
Bytes first(const Bytes& b, std::size_t n) { return bytes_of(ByteView(b).first(n)); }

// A fixed header from kUs to kTarget followed by `after`; payload length defaults to after.size().
Bytes packet6(std::uint8_t next, const Bytes& after, std::optional<std::uint16_t> payload_len = std::nullopt,
              std::uint8_t hop_limit = 64) {
  Ipv6Header h;
  h.payload_len = payload_len ? *payload_len : static_cast<std::uint16_t>(after.size());
  h.next_header = next;
  h.hop_limit = hop_limit;
  h.src = kUs;
  h.dst = kTarget;
  Bytes out;
  Writer w(out);
  encode_ipv6(w, h);
  return cat(out, after);
}

// Hop-by-hop, routing or destination options: (len + 1) * 8 bytes, filled with one PadN option.
Bytes options_header(std::uint8_t next, std::uint8_t len) {
  const std::size_t size = (std::size_t{len} + 1) * 8;
  Bytes out{next, len, 0x01, static_cast<std::uint8_t>(size - 4)};
  out.resize(size, 0);
  return out;
}
Bytes fragment_header(std::uint8_t next, std::uint16_t offset, bool more) {
  const auto word = static_cast<std::uint16_t>((offset << 3) | (more ? 1 : 0));
  return {next, 0, static_cast<std::uint8_t>(word >> 8), static_cast<std::uint8_t>(word), 0xde, 0xad, 0xbe, 0xef};
}
// Authentication header: (len + 2) * 4 bytes.
Bytes ah_header(std::uint8_t next, std::uint8_t len) {
  Bytes out{next, len, 0, 0, 0, 0, 0x10, 0x01};
  out.resize((std::size_t{len} + 2) * 4, 0xaa);
  return out;
}

// An ICMPv6 message with its checksum for src -> dst.
Bytes icmp6(std::uint8_t type, std::uint8_t code, std::uint32_t rest, const Bytes& body, const Ipv6& src = kRouter,
            const Ipv6& dst = kUs) {
  Bytes out;
  Writer w(out);
  w.u8(type);
  w.u8(code);
  w.be16(0);
  w.be32(rest);
  w.bytes(body);
  fill_icmpv6_checksum(out, src, dst);
  return out;
}

// The results view into `bytes`, so the caller must keep them alive: temporaries are refused.
Result<Icmpv6Error> decode_error_bytes(const Bytes& bytes) {
  auto msg = decode_icmpv6(bytes);
  if (!msg) return std::unexpected(msg.error());
  return decode_icmpv6_error(*msg);
}
Result<Icmpv6Error> decode_error_bytes(Bytes&&) = delete;

Result<NeighborAdvert> decode_na_bytes(const Bytes& bytes) {
  auto msg = decode_icmpv6(bytes);
  if (!msg) return std::unexpected(msg.error());
  return decode_neighbor_advert(*msg);
}
Result<NeighborSolicit> decode_ns_bytes(const Bytes& bytes) {
  auto msg = decode_icmpv6(bytes);
  if (!msg) return std::unexpected(msg.error());
  return decode_neighbor_solicit(*msg);
}

bool refused(const Result<Ipv6Packet>& p) { return !p && p.error().code == Errc::malformed; }

// A NA body: the target, then options.
Bytes na_body(const Bytes& options, const Ipv6& target = kPeer) {
  return cat(Bytes(target.bytes.begin(), target.bytes.end()), options);
}
const auto kTllaPeer = hex("02 01 02 00 00 00 00 20");
}  // namespace

// ---------------------------------------------------------------- IPv6

TEST_CASE("IPv6 header encodes to the hand-checked bytes") {
  Ipv6Header h;
  h.payload_len = 12;
  h.next_header = kProtoIcmpv6;
  h.hop_limit = 64;
  h.src = kPeer;
  h.dst = kUs;
  Bytes out;
  Writer w(out);
  encode_ipv6(w, h);
  CHECK(out == Bytes(kEchoReplyPacket.begin(), kEchoReplyPacket.begin() + 40));
}

TEST_CASE("IPv6 echo reply decodes (hand-checked)") {
  auto ip = decode_ipv6(kEchoReplyPacket);
  REQUIRE(ip);
  CHECK(ip->header.traffic_class == 0);
  CHECK(ip->header.flow_label == 0);
  CHECK(ip->header.payload_len == 12);
  CHECK(ip->header.next_header == kProtoIcmpv6);
  CHECK(ip->header.hop_limit == 64);
  CHECK(ip->header.src == kPeer);
  CHECK(ip->header.dst == kUs);
  CHECK(ip->protocol == kProtoIcmpv6);
  CHECK(ip->extension_count == 0);
  CHECK(ip->extension_bytes == 0);
  CHECK_FALSE(ip->fragmented);
  REQUIRE(ip->payload.size() == 12);
  CHECK(ip->payload.data() == kEchoReplyPacket.data() + 40);

  auto m = decode_icmpv6(ip->payload);
  REQUIRE(m);
  CHECK(m->type == icmp6_type::echo_reply);
  CHECK(m->code == 0);
  CHECK(m->checksum == 0x4c19);
  CHECK(m->echo_id() == 0x1234);
  CHECK(m->echo_seq() == 1);
  CHECK_FALSE(m->is_error());
  CHECK(bytes_of(m->body) == hex("61 62 63 64"));
  CHECK(icmpv6_checksum_ok(ip->payload, ip->header.src, ip->header.dst));
  CHECK_FALSE(decode_icmpv6_error(*m));  // an echo reply is not an error
  CHECK_FALSE(decode_neighbor_advert(*m));
}

TEST_CASE("IPv6 traffic class and flow label round trip") {
  Ipv6Header h;
  h.traffic_class = 0xb8;
  h.flow_label = 0xabcde;
  h.payload_len = 3;
  h.next_header = 17;
  h.hop_limit = 1;
  h.src = kUs;
  h.dst = kTarget;
  Bytes out;
  Writer w(out);
  encode_ipv6(w, h);
  CHECK(Bytes(out.begin(), out.begin() + 4) == hex("6b 8a bc de"));
  w.bytes(hex("01 02 03"));
  auto p = decode_ipv6(out);
  REQUIRE(p);
  CHECK(p->header.traffic_class == 0xb8);
  CHECK(p->header.flow_label == 0xabcde);
  CHECK(p->header.hop_limit == 1);
  CHECK(p->header.src == kUs);
  CHECK(p->header.dst == kTarget);
  CHECK(p->protocol == 17);
  CHECK(bytes_of(p->payload) == hex("01 02 03"));
  // A flow label wider than 20 bits cannot spill into the traffic class.
  h.flow_label = 0xfffffff;
  Bytes wide;
  Writer ww(wide);
  encode_ipv6(ww, h);
  CHECK(Bytes(wide.begin(), wide.begin() + 4) == hex("6b 8f ff ff"));
}

TEST_CASE("malformed IPv6 headers are refused") {
  auto with = [](std::size_t at, std::uint8_t v) {
    auto b = kEchoReplyPacket;
    b[at] = v;
    return b;
  };
  CHECK(refused(decode_ipv6(with(0, 0x40))));         // version 4
  CHECK(refused(decode_ipv6(with(0, 0x70))));         // version 7
  CHECK(refused(decode_quoted_ipv6(with(0, 0x40))));  // and in a quote
  CHECK(refused(decode_ipv6(with(5, 13))));           // payload length past the end
  CHECK(decode_ipv6(with(5, 11)));                    // shorter is fine: the rest is ignored
  // Payload length 0 (a jumbogram, its real length in a hop-by-hop option) is refused, in a
  // packet and in a quote.
  auto jumbo = packet6(next_header::hop_by_hop, hex("3a 00 c2 04 00 01 00 00"), 0);
  CHECK(refused(decode_ipv6(jumbo)));
  CHECK(refused(decode_quoted_ipv6(jumbo)));
  CHECK(refused(decode_ipv6(with(5, 0))));
}

TEST_CASE("bytes past IPv6 payload length are ignored") {
  auto padded = cat(kEchoReplyPacket, Bytes(10, 0xee));
  auto p = decode_ipv6(padded);
  REQUIRE(p);
  CHECK(p->payload.size() == 12);
  CHECK(p->payload.back() == 0x64);
  auto q = decode_quoted_ipv6(padded);
  REQUIRE(q);
  CHECK(q->payload.size() == 12);
}

TEST_CASE("every truncation of an IPv6 packet is refused; a quote may lose only payload") {
  for (std::size_t n = 0; n < kEchoReplyPacket.size(); ++n) {
    CAPTURE(n);
    CHECK(refused(decode_ipv6(ByteView(kEchoReplyPacket).first(n))));
    auto q = decode_quoted_ipv6(ByteView(kEchoReplyPacket).first(n));
    if (n < kIpv6Header) {
      CHECK(refused(q));
    } else {
      REQUIRE(q);
      CHECK(q->payload.size() == n - kIpv6Header);
    }
  }
}

TEST_CASE("IPv6 extension headers are walked to the upper layer") {
  // hop-by-hop (8) -> destination (16) -> routing (24) -> fragment (8, first, more) -> AH (24) -> TCP
  const Bytes ext = cat(cat(cat(cat(options_header(next_header::destination, 0), options_header(next_header::routing, 1)),
                                options_header(next_header::fragment, 2)),
                            fragment_header(next_header::ah, 0, true)),
                        ah_header(next_header::tcp, 4));
  REQUIRE(ext.size() == 80);
  const auto bytes = packet6(next_header::hop_by_hop, cat(ext, kSyn));
  for (bool quoted : {false, true}) {
    CAPTURE(quoted);
    auto p = quoted ? decode_quoted_ipv6(bytes) : decode_ipv6(bytes);
    REQUIRE(p);
    CHECK(p->header.next_header == next_header::hop_by_hop);
    CHECK(p->protocol == next_header::tcp);
    CHECK(p->extension_count == 5);
    CHECK(p->extension_bytes == 80);
    CHECK(p->fragmented);
    CHECK(p->fragment_offset == 0);
    CHECK(p->more_fragments);
    CHECK(bytes_of(p->payload) == kSyn);
    CHECK(p->payload.data() == bytes.data() + 40 + 80);
  }
  // A fragment header alone, last fragment of an unfragmented-looking datagram (offset 0, M 0).
  auto atomic = decode_ipv6(packet6(next_header::fragment, cat(fragment_header(kProtoIcmpv6, 0, false), hex("80 00 00 00 00 01 00 01"))));
  REQUIRE(atomic);
  CHECK(atomic->fragmented);
  CHECK_FALSE(atomic->more_fragments);
  CHECK(atomic->protocol == kProtoIcmpv6);
  CHECK(atomic->payload.size() == 8);
}

TEST_CASE("IPv6 walk stops at ESP, no next header and unknown protocols") {
  for (std::uint8_t proto : {next_header::esp, next_header::none, std::uint8_t{17}, std::uint8_t{253}}) {
    CAPTURE(int{proto});
    const auto bytes = packet6(next_header::destination, cat(options_header(proto, 0), hex("00 01 02 03")));
    auto p = decode_ipv6(bytes);
    REQUIRE(p);
    CHECK(p->protocol == proto);
    CHECK(p->extension_count == 1);
    CHECK(p->extension_bytes == 8);
    CHECK(bytes_of(p->payload) == hex("00 01 02 03"));
  }
}

TEST_CASE("IPv6 extension headers that do not fit are refused") {
  // Destination options claiming 16 bytes, 8 present.
  const auto short_ext = packet6(next_header::destination, first(options_header(next_header::tcp, 1), 8));
  CHECK(refused(decode_ipv6(short_ext)));
  CHECK(refused(decode_quoted_ipv6(short_ext)));
  // All 16 bytes present, but payload length says 8: the header must lie inside payload length.
  const auto past_len = packet6(next_header::destination, cat(options_header(next_header::tcp, 1), kSyn), 8);
  CHECK(refused(decode_ipv6(past_len)));
  CHECK(refused(decode_quoted_ipv6(past_len)));
  // Only the first byte of a header (its next header, not its length).
  CHECK(refused(decode_ipv6(packet6(next_header::routing, hex("06")))));
  // A fragment header cut short, an AH whose length runs past the end.
  CHECK(refused(decode_ipv6(packet6(next_header::fragment, hex("06 00 00 01 de ad")))));
  CHECK(refused(decode_ipv6(packet6(next_header::ah, first(ah_header(next_header::tcp, 4), 20)))));
  // The same AH whole is fine.
  CHECK(decode_ipv6(packet6(next_header::ah, ah_header(next_header::tcp, 4))));
  // A quote may lose payload, never a header: the quoted SYN behind a 16-byte header cut inside it.
  const auto whole = packet6(next_header::destination, cat(options_header(next_header::tcp, 1), kSyn));
  CHECK(decode_quoted_ipv6(ByteView(whole).first(40 + 16)));
  CHECK(refused(decode_quoted_ipv6(ByteView(whole).first(40 + 15))));
}

TEST_CASE("IPv6 with more than eight extension headers is refused") {
  auto chain = [](std::size_t n) {
    Bytes ext;
    for (std::size_t i = 0; i < n; ++i)
      ext = cat(ext, options_header(i + 1 == n ? next_header::tcp : next_header::destination, 0));
    return packet6(next_header::destination, cat(ext, kSyn));
  };
  const auto eight = chain(kMaxExtensionHeaders);
  auto p = decode_ipv6(eight);
  REQUIRE(p);
  CHECK(p->extension_count == 8);
  CHECK(p->protocol == next_header::tcp);
  const auto nine = chain(kMaxExtensionHeaders + 1);
  CHECK(refused(decode_ipv6(nine)));
  CHECK(refused(decode_quoted_ipv6(nine)));
}

TEST_CASE("IPv6 hop-by-hop options are allowed only first") {
  const auto leading = packet6(next_header::hop_by_hop, cat(options_header(next_header::tcp, 0), kSyn));
  CHECK(decode_ipv6(leading));
  const auto second = packet6(next_header::destination,
                              cat(cat(options_header(next_header::hop_by_hop, 0), options_header(next_header::tcp, 0)), kSyn));
  CHECK(refused(decode_ipv6(second)));
  CHECK(refused(decode_quoted_ipv6(second)));
}

TEST_CASE("IPv6 non-first fragment stops the walk") {
  // Offset 185 (1480 bytes in): what follows is data, even if it would read as a broken header.
  const auto data = hex("ff ff ff ff ff ff ff ff 01 02");
  const auto bytes = packet6(next_header::fragment, cat(fragment_header(next_header::destination, 185, true), data));
  auto p = decode_ipv6(bytes);
  REQUIRE(p);
  CHECK(p->fragmented);
  CHECK(p->fragment_offset == 185);
  CHECK(p->more_fragments);
  CHECK(p->protocol == next_header::destination);
  CHECK(p->extension_count == 1);
  CHECK(p->extension_bytes == 8);
  CHECK(bytes_of(p->payload) == data);
  // The same bytes in a first fragment are walked, and the broken header refuses the packet.
  const auto leading = packet6(next_header::fragment, cat(fragment_header(next_header::destination, 0, true), data));
  CHECK(refused(decode_ipv6(leading)));
}

TEST_CASE("IPv6 quoted payload is what is present, capped at payload length") {
  // The SYN behind a destination options header; the quote claims 1000 bytes.
  const auto q = packet6(next_header::destination, cat(options_header(next_header::tcp, 0), kSyn), 1000);
  auto p = decode_quoted_ipv6(q);
  REQUIRE(p);
  CHECK(p->protocol == next_header::tcp);
  CHECK(p->payload.size() == kSyn.size());
  CHECK(refused(decode_ipv6(q)));  // as a whole packet, payload length runs past the end
  // Present bytes past payload length are not part of the packet.
  const auto capped = packet6(next_header::destination, cat(options_header(next_header::tcp, 0), kSyn), 8 + 10);
  p = decode_quoted_ipv6(capped);
  REQUIRE(p);
  CHECK(p->payload.size() == 10);
}

// ---------------------------------------------------------------- ICMPv6 echo and checksum

TEST_CASE("ICMPv6 echo request leaves the checksum to the kernel") {
  auto req = encode_echo6_request(0x1234, 1, hex("61 62 63 64 65 66 67 68"));
  CHECK(req == hex("80 00 00 00 12 34 00 01 61 62 63 64 65 66 67 68"));
  CHECK_FALSE(icmpv6_checksum_ok(req, kUs, kTarget));
  // Filled for us -> target, it is the checksum the router quotes back in kPacketTooBigPacket.
  fill_icmpv6_checksum(req, kUs, kTarget);
  CHECK(req[2] == 0x80);
  CHECK(req[3] == 0x55);
  CHECK(icmpv6_checksum_ok(req, kUs, kTarget));
  auto m = decode_icmpv6(req);
  REQUIRE(m);
  CHECK(m->type == icmp6_type::echo_request);
  CHECK(m->echo_id() == 0x1234);
  CHECK(m->echo_seq() == 1);
  CHECK(encode_echo6_request(7, 8, {}) == hex("80 00 00 00 00 07 00 08"));
}

TEST_CASE("ICMPv6 checksum good and bad") {
  const ByteView na = ByteView(kNeighborAdvertPacket).subspan(40);
  CHECK(icmpv6_checksum_ok(na, kPeer, kUs));
  CHECK_FALSE(icmpv6_checksum_ok(na, kPeer, kTarget));  // another destination
  CHECK_FALSE(icmpv6_checksum_ok(na, kRouter, kUs));    // another source
  CHECK_FALSE(icmpv6_checksum_ok(na.first(na.size() - 8), kPeer, kUs));  // cut short
  auto flipped = bytes_of(na);
  flipped[31] ^= 0x01;
  CHECK_FALSE(icmpv6_checksum_ok(flipped, kPeer, kUs));
  // fill_icmpv6_checksum ignores what the field held.
  auto refill = bytes_of(na);
  refill[2] = 0x12;
  refill[3] = 0x34;
  fill_icmpv6_checksum(refill, kPeer, kUs);
  CHECK(refill == bytes_of(na));
  // A buffer shorter than the header is left alone.
  auto tiny = hex("88 00 ff");
  fill_icmpv6_checksum(tiny, kPeer, kUs);
  CHECK(tiny == hex("88 00 ff"));
  auto seven = hex("88 00 ff ff 00 00 00");
  fill_icmpv6_checksum(seven, kPeer, kUs);
  CHECK(seven == hex("88 00 ff ff 00 00 00"));
}

TEST_CASE("ICMPv6 messages below 8 bytes are refused") {
  const auto req = hex("80 00 00 00 12 34 00 01");
  for (std::size_t n = 0; n < kIcmpv6HeaderLen; ++n) {
    CAPTURE(n);
    auto m = decode_icmpv6(ByteView(req).first(n));
    REQUIRE_FALSE(m);
    CHECK(m.error().code == Errc::malformed);
  }
  auto m = decode_icmpv6(req);
  REQUIRE(m);
  CHECK(m->body.empty());
}

// ---------------------------------------------------------------- ICMPv6 errors

TEST_CASE("ICMPv6 packet too big quoting our echo request (hand-checked)") {
  auto ip = decode_ipv6(kPacketTooBigPacket);
  REQUIRE(ip);
  CHECK(ip->header.src == kRouter);
  CHECK(ip->protocol == kProtoIcmpv6);
  CHECK(icmpv6_checksum_ok(ip->payload, ip->header.src, ip->header.dst));
  auto m = decode_icmpv6(ip->payload);
  REQUIRE(m);
  CHECK(m->is_error());
  auto e = decode_icmpv6_error(*m);
  REQUIRE(e);
  CHECK(e->type == icmp6_type::packet_too_big);
  CHECK(e->code == 0);
  CHECK(e->mtu == 1280);
  CHECK(e->pointer == 0);
  CHECK(e->quoted.header.src == kUs);
  CHECK(e->quoted.header.dst == kTarget);
  CHECK(e->quoted.header.hop_limit == 63);
  CHECK(e->quoted.header.payload_len == 1452);
  CHECK(e->quoted.protocol == kProtoIcmpv6);
  CHECK(e->quoted.payload.size() == 16);
  auto echo = quoted_echo6(*e);
  REQUIRE(echo);
  CHECK(echo->src == kUs);
  CHECK(echo->dst == kTarget);
  CHECK(echo->id == 0x1234);
  CHECK(echo->seq == 1);
  CHECK_FALSE(quoted_tcp6(*e));
}

TEST_CASE("ICMPv6 destination unreachable, admin prohibited, quoting our SYN (hand-checked)") {
  CHECK(icmpv6_checksum_ok(kAdminProhibited, kRouter, kUs));
  auto e = decode_error_bytes(kAdminProhibited);
  REQUIRE(e);
  CHECK(e->type == icmp6_type::dest_unreachable);
  CHECK(e->code == unreach6_code::admin_prohibited);
  CHECK(e->mtu == 0);
  CHECK(e->pointer == 0);
  CHECK(e->quoted.protocol == next_header::tcp);
  CHECK(e->quoted.payload.size() == kSyn.size());
  auto t = quoted_tcp6(*e);
  REQUIRE(t);
  CHECK(t->src == kUs);
  CHECK(t->dst == kTarget);
  CHECK(t->sport == 40000);
  CHECK(t->dport == 443);
  CHECK(t->seq == 0x01020304);
  CHECK_FALSE(quoted_echo6(*e));
  // The unused word set: it is neither an MTU nor a pointer.
  const auto noisy = icmp6(icmp6_type::dest_unreachable, unreach6_code::port_unreachable, 0x000005dc,
                           Bytes(kAdminProhibited.begin() + 8, kAdminProhibited.end()));
  e = decode_error_bytes(noisy);
  REQUIRE(e);
  CHECK(e->mtu == 0);
  CHECK(e->pointer == 0);
}

TEST_CASE("ICMPv6 time exceeded and parameter problem") {
  const Bytes quote = packet6(next_header::tcp, kSyn);
  auto te_bytes = icmp6(icmp6_type::time_exceeded, 0, 0x11223344, quote);
  auto te = decode_error_bytes(te_bytes);
  REQUIRE(te);
  CHECK(te->type == icmp6_type::time_exceeded);
  CHECK(te->mtu == 0);
  CHECK(te->pointer == 0);
  REQUIRE(quoted_tcp6(*te));
  auto pp_bytes = icmp6(icmp6_type::parameter_problem, 1, 40, quote);
  auto pp = decode_error_bytes(pp_bytes);
  REQUIRE(pp);
  CHECK(pp->type == icmp6_type::parameter_problem);
  CHECK(pp->code == 1);
  CHECK(pp->pointer == 40);
  CHECK(pp->mtu == 0);
}

TEST_CASE("ICMPv6 types other than 1-4 do not decode as errors") {
  const Bytes quote = packet6(next_header::tcp, kSyn);
  for (std::uint8_t type : {std::uint8_t{1}, std::uint8_t{2}, std::uint8_t{3}, std::uint8_t{4}}) {
    CAPTURE(int{type});
    const auto bytes = icmp6(type, 0, 0, quote);
    CHECK(decode_error_bytes(bytes));
  }
  for (std::uint8_t type : {std::uint8_t{0}, std::uint8_t{5}, std::uint8_t{100}, std::uint8_t{127},
                            icmp6_type::echo_request, icmp6_type::echo_reply, icmp6_type::neighbor_solicitation,
                            icmp6_type::neighbor_advertisement, icmp6_type::redirect}) {
    CAPTURE(int{type});
    const auto bytes = icmp6(type, 0, 0, quote);
    auto e = decode_error_bytes(bytes);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == Errc::malformed);
  }
}

TEST_CASE("ICMPv6 error quotes that are too short or broken are refused") {
  auto bad = [](const Bytes& quote) {
    const auto bytes = icmp6(icmp6_type::time_exceeded, 0, 0, quote);
    auto e = decode_error_bytes(bytes);
    return !e && e.error().code == Errc::malformed;
  };
  const auto seven = first(kSyn, 7);
  const auto eight = first(kSyn, 8);
  CHECK_FALSE(bad(packet6(next_header::tcp, eight, 24)));        // header + 8 is enough
  CHECK(bad(packet6(next_header::tcp, seven, 24)));              // header + 7
  CHECK(bad(packet6(next_header::tcp, {}, 24)));                 // header only
  CHECK(bad(packet6(next_header::tcp, kSyn, 4)));                // its own payload length says 4
  CHECK(bad(Bytes(kAdminProhibited.begin() + 8, kAdminProhibited.begin() + 8 + 39)));  // 39 bytes
  CHECK(bad({}));                                                // nothing quoted
  // 8 bytes after an extension header, but the extension header is counted out of them.
  CHECK(bad(packet6(next_header::destination, cat(options_header(next_header::tcp, 0), seven), 100)));
  CHECK_FALSE(bad(packet6(next_header::destination, cat(options_header(next_header::tcp, 0), eight), 100)));
  // An extension header cut by the quote.
  CHECK(bad(packet6(next_header::destination, first(options_header(next_header::tcp, 2), 20), 100)));
  auto v4 = packet6(next_header::tcp, kSyn);
  v4[0] = 0x45;
  CHECK(bad(v4));
}

TEST_CASE("ICMPv6 quotes behind extension headers and of non-first fragments") {
  // Our echo behind a destination options header and a first fragment header: still ours.
  const auto echo = hex("80 00 80 55 12 34 00 01");
  const auto leading = icmp6(icmp6_type::time_exceeded, 0, 0,
                           packet6(next_header::destination,
                                   cat(cat(options_header(next_header::fragment, 0), fragment_header(kProtoIcmpv6, 0, true)), echo),
                                   1400));
  auto e = decode_error_bytes(leading);
  REQUIRE(e);
  CHECK(e->quoted.extension_count == 2);
  CHECK(e->quoted.fragmented);
  auto q = quoted_echo6(*e);
  REQUIRE(q);
  CHECK(q->id == 0x1234);
  CHECK(q->seq == 1);
  // A non-first fragment quotes data from the middle: neither an echo nor TCP ports, even when its
  // first bytes look like one.
  const auto later_echo = icmp6(icmp6_type::time_exceeded, 1, 0,
                                packet6(next_header::fragment, cat(fragment_header(kProtoIcmpv6, 185, false), echo)));
  e = decode_error_bytes(later_echo);
  REQUIRE(e);
  CHECK(e->quoted.fragment_offset == 185);
  CHECK(e->quoted.protocol == kProtoIcmpv6);
  CHECK_FALSE(quoted_echo6(*e));
  const auto later_tcp = icmp6(icmp6_type::time_exceeded, 1, 0,
                               packet6(next_header::fragment, cat(fragment_header(next_header::tcp, 185, false), kSyn)));
  e = decode_error_bytes(later_tcp);
  REQUIRE(e);
  CHECK(e->quoted.protocol == next_header::tcp);
  CHECK_FALSE(quoted_tcp6(*e));
}

TEST_CASE("ICMPv6 quotes that are not one of our probes") {
  // A quoted echo reply is not a probe we sent.
  const auto reply = icmp6(icmp6_type::time_exceeded, 0, 0, packet6(kProtoIcmpv6, hex("81 00 00 00 12 34 00 01")));
  auto e = decode_error_bytes(reply);
  REQUIRE(e);
  CHECK_FALSE(quoted_echo6(*e));
  CHECK_FALSE(quoted_tcp6(*e));
  // UDP is neither.
  const auto udp = icmp6(icmp6_type::dest_unreachable, unreach6_code::port_unreachable, 0, packet6(17, kSyn));
  e = decode_error_bytes(udp);
  REQUIRE(e);
  CHECK_FALSE(quoted_echo6(*e));
  CHECK_FALSE(quoted_tcp6(*e));
  // Someone else's SYN: the fields differ, a matcher must compare them.
  const auto other = icmp6(icmp6_type::dest_unreachable, 0, 0, packet6(next_header::tcp, hex("9c 41 00 50 0a 0b 0c 0d")));
  e = decode_error_bytes(other);
  REQUIRE(e);
  auto t = quoted_tcp6(*e);
  REQUIRE(t);
  CHECK(t->sport == 40001);
  CHECK(t->dport == 80);
  CHECK(t->seq == 0x0a0b0c0d);
}

// ---------------------------------------------------------------- Neighbor Discovery

TEST_CASE("ICMPv6 neighbor advertisement as Linux sends it (hand-checked)") {
  auto ip = decode_ipv6(kNeighborAdvertPacket);
  REQUIRE(ip);
  CHECK(ip->header.hop_limit == kNdpHopLimit);
  CHECK(ip->header.src == kPeer);
  CHECK(ip->header.dst == kUs);
  CHECK(icmpv6_checksum_ok(ip->payload, ip->header.src, ip->header.dst));
  auto m = decode_icmpv6(ip->payload);
  REQUIRE(m);
  CHECK(m->type == icmp6_type::neighbor_advertisement);
  CHECK_FALSE(m->is_error());
  CHECK_FALSE(decode_icmpv6_error(*m));
  CHECK_FALSE(decode_neighbor_solicit(*m));  // wrong type
  auto na = decode_neighbor_advert(*m);
  REQUIRE(na);
  CHECK_FALSE(na->router);
  CHECK(na->solicited);
  CHECK(na->override_flag);
  CHECK(na->target == kPeer);
  REQUIRE(na->target_mac);
  CHECK(*na->target_mac == kPeerMac);
}

TEST_CASE("ICMPv6 neighbor advertisement flags and options") {
  SUBCASE("a router's unsolicited advertisement without options") {
    const auto bytes = icmp6(icmp6_type::neighbor_advertisement, 0, 0x80000000, na_body({}), kPeer);
    auto na = decode_na_bytes(bytes);
    REQUIRE(na);
    CHECK(na->router);
    CHECK_FALSE(na->solicited);
    CHECK_FALSE(na->override_flag);
    CHECK(na->target == kPeer);
    CHECK_FALSE(na->target_mac);
  }
  SUBCASE("reserved bits do not read as flags") {
    const auto bytes = icmp6(icmp6_type::neighbor_advertisement, 0, 0x1fffffff, na_body(kTllaPeer), kPeer);
    auto na = decode_na_bytes(bytes);
    REQUIRE(na);
    CHECK_FALSE(na->router);
    CHECK_FALSE(na->solicited);
    CHECK_FALSE(na->override_flag);
  }
  SUBCASE("other options are skipped, the target link-layer address found after them") {
    const auto opts = cat(hex("0e 01 01 02 03 04 05 06  05 01 00 00 00 00 05 dc  fe 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), kTllaPeer);
    const auto bytes = icmp6(icmp6_type::neighbor_advertisement, 0, 0x60000000, na_body(opts), kPeer);
    auto na = decode_na_bytes(bytes);
    REQUIRE(na);
    REQUIRE(na->target_mac);
    CHECK(*na->target_mac == kPeerMac);
  }
  SUBCASE("a source link-layer address is not the target's") {
    const auto bytes = icmp6(icmp6_type::neighbor_advertisement, 0, 0x60000000,
                             na_body(hex("01 01 02 00 00 00 00 99")), kPeer);
    auto na = decode_na_bytes(bytes);
    REQUIRE(na);
    CHECK_FALSE(na->target_mac);
  }
  SUBCASE("a link-layer option of another length (not Ethernet) is ignored") {
    const auto bytes = icmp6(icmp6_type::neighbor_advertisement, 0, 0x60000000,
                             na_body(hex("02 02 02 00 00 00 00 99 00 00 00 00 00 00 00 00")), kPeer);
    auto na = decode_na_bytes(bytes);
    REQUIRE(na);
    CHECK_FALSE(na->target_mac);
  }
  SUBCASE("of two target link-layer addresses the first is taken") {
    const auto bytes = icmp6(icmp6_type::neighbor_advertisement, 0, 0x60000000,
                             na_body(cat(kTllaPeer, hex("02 01 02 00 00 00 00 99"))), kPeer);
    auto na = decode_na_bytes(bytes);
    REQUIRE(na);
    REQUIRE(na->target_mac);
    CHECK(*na->target_mac == kPeerMac);
  }
}

TEST_CASE("ICMPv6 neighbor discovery refusals") {
  auto na_refused = [](std::uint8_t code, const Bytes& body) {
    const auto bytes = icmp6(icmp6_type::neighbor_advertisement, code, 0x60000000, body, kPeer);
    auto na = decode_na_bytes(bytes);
    return !na && na.error().code == Errc::malformed;
  };
  CHECK_FALSE(na_refused(0, na_body(kTllaPeer)));  // the baseline decodes
  CHECK(na_refused(1, na_body(kTllaPeer)));        // code not 0
  CHECK(na_refused(0, first(na_body({}), 15)));  // target cut
  CHECK(na_refused(0, na_body(hex("02 00 02 00 00 00 00 20"))));                 // option length 0
  CHECK(na_refused(0, na_body(hex("02 01 02 00 00 00 00"))));                    // option past the end
  CHECK(na_refused(0, na_body(hex("02 02 02 00 00 00 00 20"))));                 // length 2, 8 bytes
  CHECK(na_refused(0, na_body(hex("02"))));                                      // half an option header
  // A broken option after a good one still refuses the message (RFC 4861 7.1.2).
  CHECK(na_refused(0, na_body(cat(kTllaPeer, hex("0e 00")))));
  CHECK(na_refused(0, na_body(cat(kTllaPeer, hex("0e 03 00 00 00 00 00 00")))));

  auto ns_refused = [](std::uint8_t code, const Bytes& body) {
    const auto bytes = icmp6(icmp6_type::neighbor_solicitation, code, 0, body, kPeer);
    auto ns = decode_ns_bytes(bytes);
    return !ns && ns.error().code == Errc::malformed;
  };
  CHECK_FALSE(ns_refused(0, na_body(hex("01 01 02 00 00 00 00 20"))));
  CHECK(ns_refused(1, na_body(hex("01 01 02 00 00 00 00 20"))));
  CHECK(ns_refused(0, first(na_body({}), 15)));
  CHECK(ns_refused(0, na_body(hex("01 00 02 00 00 00 00 20"))));
  CHECK(ns_refused(0, na_body(hex("01 01 02 00 00 00 00"))));
  // Length 0 is refused as such (the walk could not advance), not as a length that runs past the end.
  const auto zero = icmp6(icmp6_type::neighbor_solicitation, 0, 0, na_body(hex("01 00 02 00 00 00 00 20")), kPeer);
  auto z = decode_ns_bytes(zero);
  REQUIRE_FALSE(z);
  CHECK(z.error().message.find("length 0") != std::string::npos);
  // A solicitation is not an advertisement.
  const auto ns = icmp6(icmp6_type::neighbor_solicitation, 0, 0, na_body(kTllaPeer), kPeer);
  CHECK_FALSE(decode_na_bytes(ns));
}

TEST_CASE("ICMPv6 neighbor solicitation decodes its source link-layer address") {
  const auto bytes = icmp6(icmp6_type::neighbor_solicitation, 0, 0,
                           na_body(cat(kTllaPeer, hex("01 01 02 00 00 00 00 33 01 01 02 00 00 00 00 44"))), kPeer);
  auto ns = decode_ns_bytes(bytes);
  REQUIRE(ns);
  CHECK(ns->target == kPeer);
  REQUIRE(ns->source_mac);
  CHECK(*ns->source_mac == mac("02:00:00:00:00:33"));  // the first source option; the TLLA ignored
  const auto bare = icmp6(icmp6_type::neighbor_solicitation, 0, 0, na_body({}), kPeer);
  ns = decode_ns_bytes(bare);
  REQUIRE(ns);
  CHECK_FALSE(ns->source_mac);
}

TEST_CASE("ICMPv6 neighbor solicitation encodes to the hand-checked frame") {
  const Ipv6 group = solicited_node(kPeer);
  CHECK(group.to_string() == "ff02::1:ff00:20");
  const auto frame = encode_neighbor_solicit_frame(kUsMac, multicast_mac(group), kUs, group, kPeer);
  CHECK(frame == kNeighborSolicitFrame);
  CHECK(encode_neighbor_solicit(kUs, group, kPeer, kUsMac) ==
        Bytes(kNeighborSolicitFrame.begin() + 14 + 40, kNeighborSolicitFrame.end()));
}

TEST_CASE("ICMPv6 neighbor solicitation frame round trips") {
  for (const char* text : {"2001:db8:1::20", "fe80::1234:56ff:fe78:9abc", "fd00::ffff:ffff", "2001:db8::"}) {
    CAPTURE(text);
    const Ipv6 target = v6(text);
    const Ipv6 group = solicited_node(target);
    const Mac group_mac = multicast_mac(group);
    const auto frame = encode_neighbor_solicit_frame(kUsMac, group_mac, kUs, group, target);
    CHECK(frame.size() == 14 + 40 + 32);

    auto eth = decode_ethernet(frame);
    REQUIRE(eth);
    CHECK(eth->header.ethertype == kEtherTypeIpv6);
    CHECK(eth->header.src == kUsMac);
    CHECK(eth->header.dst ==
          Mac{{0x33, 0x33, 0xff, target.bytes[13], target.bytes[14], target.bytes[15]}});
    CHECK(eth->header.dst.is_multicast());

    auto ip = decode_ipv6(eth->payload);
    REQUIRE(ip);
    CHECK(ip->header.hop_limit == 255);
    CHECK(ip->header.next_header == kProtoIcmpv6);
    CHECK(ip->header.payload_len == 32);
    CHECK(ip->header.src == kUs);
    CHECK(ip->header.dst.is_multicast());
    CHECK(ip->header.dst.to_string().starts_with("ff02::1:ff"));
    CHECK(ip->header.dst == group);
    CHECK(ip->protocol == kProtoIcmpv6);
    CHECK(icmpv6_checksum_ok(ip->payload, ip->header.src, ip->header.dst));
    CHECK_FALSE(icmpv6_checksum_ok(ip->payload, ip->header.src, target));

    auto m = decode_icmpv6(ip->payload);
    REQUIRE(m);
    CHECK(m->type == icmp6_type::neighbor_solicitation);
    CHECK(m->code == 0);
    CHECK(m->rest == 0);
    auto ns = decode_neighbor_solicit(*m);
    REQUIRE(ns);
    CHECK(ns->target == target);
    REQUIRE(ns->source_mac);
    CHECK(*ns->source_mac == kUsMac);
  }
  // A unicast solicitation (reachability check): straight to the neighbor's address and MAC.
  const auto unicast = encode_neighbor_solicit_frame(kUsMac, kPeerMac, kUs, kPeer, kPeer);
  auto eth = decode_ethernet(unicast);
  REQUIRE(eth);
  CHECK(eth->header.dst == kPeerMac);
  auto ip = decode_ipv6(eth->payload);
  REQUIRE(ip);
  CHECK(ip->header.dst == kPeer);
  CHECK(icmpv6_checksum_ok(ip->payload, kUs, kPeer));
}

TEST_CASE("IPv6 solicited-node group and multicast MAC") {
  CHECK(solicited_node(v6("fe80::1234:56ff:fe78:9abc")) == v6("ff02::1:ff78:9abc"));
  CHECK(solicited_node(v6("2001:db8:1::20")) == v6("ff02::1:ff00:20"));
  CHECK(solicited_node(v6("2001:db8::ffff:ffff")) == v6("ff02::1:ffff:ffff"));
  // Only the last three bytes of the target count.
  CHECK(solicited_node(v6("2001:db8:1::1:20")) == solicited_node(v6("2001:db8:2::5501:20")));
  CHECK(solicited_node(v6("2001:db8:1::1:20")) != solicited_node(v6("2001:db8:1::1:21")));
  CHECK(multicast_mac(v6("ff02::1:ff78:9abc")) == mac("33:33:ff:78:9a:bc"));
  CHECK(multicast_mac(v6("ff02::1")) == mac("33:33:00:00:00:01"));
  CHECK(multicast_mac(v6("ff02::1:2")) == mac("33:33:00:01:00:02"));
}

namespace {
// An advertisement from kPeer to `dst` as it arrives: IPv6 header (hop limit given) and message.
Bytes advert_packet(const NeighborAdvert& na, const Ipv6& dst = kUs, std::uint8_t hop_limit = kNdpHopLimit) {
  const Bytes msg = encode_neighbor_advert(kPeer, dst, na);
  Bytes out;
  Writer w(out);
  Ipv6Header h;
  h.payload_len = static_cast<std::uint16_t>(msg.size());
  h.next_header = kProtoIcmpv6;
  h.hop_limit = hop_limit;
  h.src = kPeer;
  h.dst = dst;
  encode_ipv6(w, h);
  w.bytes(msg);
  return out;
}
const Mac kOwner = *Mac::parse("02:00:00:00:00:0b");
const Mac kFrameSrc = *Mac::parse("02:00:00:00:00:0f");
NeighborAdvert answer_for(const Ipv6& target, bool solicited = true, std::optional<Mac> mac = kOwner) {
  NeighborAdvert na;
  na.solicited = solicited;
  na.override_flag = true;
  na.target = target;
  na.target_mac = mac;
  return na;
}
}  // namespace

TEST_CASE("NDP matching: only an advertisement for our target, to us, hop limit 255, solicited, is an answer") {
  auto m = match_neighbor_advert(advert_packet(answer_for(kTarget)), kFrameSrc, kTarget, kUs, false);
  REQUIRE(m.match == NdpMatch::answer);
  CHECK(m.mac == kOwner);  // the option's MAC, not the frame's source
  CHECK(m.advert.override_flag);
  CHECK_FALSE(m.advert.router);
  // Another address's advertisement: another probe's, told before decoding.
  CHECK(match_neighbor_advert(advert_packet(answer_for(kPeer)), kFrameSrc, kTarget, kUs, false).match == NdpMatch::other_target);
  // Each rule of RFC 4861 7.1.2 refuses it on its own.
  CHECK(match_neighbor_advert(advert_packet(answer_for(kTarget), kUs, 254), kFrameSrc, kTarget, kUs, false).match == NdpMatch::rejected);
  CHECK(match_neighbor_advert(advert_packet(answer_for(kTarget), kPeer), kFrameSrc, kTarget, kUs, false).match == NdpMatch::rejected);
  CHECK(match_neighbor_advert(advert_packet(answer_for(kTarget, false)), kFrameSrc, kTarget, kUs, false).match == NdpMatch::rejected);
  auto corrupt = advert_packet(answer_for(kTarget));
  corrupt.back() ^= 0x01;  // the MAC option's last byte: the checksum no longer holds
  CHECK(match_neighbor_advert(corrupt, kFrameSrc, kTarget, kUs, false).match == NdpMatch::rejected);
  // Without the link-layer address option: no answer to the multicast solicitation, but an answer
  // to the unicast one, whose frame came from the MAC.
  auto bare = advert_packet(answer_for(kTarget, true, std::nullopt));
  CHECK(match_neighbor_advert(bare, kFrameSrc, kTarget, kUs, false).match == NdpMatch::rejected);
  auto unicast = match_neighbor_advert(bare, kFrameSrc, kTarget, kUs, true);
  REQUIRE(unicast.match == NdpMatch::answer);
  CHECK(unicast.mac == kFrameSrc);
  // Not an advertisement: our own solicitation for the target, garbage, nothing.
  CHECK(match_neighbor_advert(encode_neighbor_solicit_frame(kOwner, kFrameSrc, kUs, kTarget, kTarget), kFrameSrc, kTarget, kUs, false)
            .match == NdpMatch::not_advert);  // (a whole frame: not even an IPv6 packet)
  Bytes ns_packet(advert_packet(answer_for(kTarget)));
  ns_packet[kIpv6Header] = icmp6_type::neighbor_solicitation;
  CHECK(match_neighbor_advert(ns_packet, kFrameSrc, kTarget, kUs, false).match == NdpMatch::not_advert);
  CHECK(match_neighbor_advert(Bytes{}, kFrameSrc, kTarget, kUs, false).match == NdpMatch::not_advert);
  auto cut = advert_packet(answer_for(kTarget));
  cut.resize(50);
  CHECK(match_neighbor_advert(cut, kFrameSrc, kTarget, kUs, false).match == NdpMatch::not_advert);
}
