// decode_ipv4 (a whole packet from a raw socket) and decode_quoted_ipv4 (the datagram inside an
// ICMP error) on arbitrary bytes.
#include <algorithm>

#include "fuzz_common.hpp"
#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/wire/ipv4.hpp"

using namespace vpcprobe::wire;
using namespace vpcprobe::fuzz;

namespace {

// What a packet and a quote share: the header fields are the input's bytes, options sit right after
// the fixed header and are exactly IHL*4 - 20 bytes, and the payload starts right after them.
void check_header(const Ipv4Packet& p, ByteView in) {
  const std::size_t hl = p.header.header_len;
  FUZZ_CHECK(hl >= kIpv4MinHeader && hl <= kIpv4MaxHeader && hl % 4 == 0);
  FUZZ_CHECK(hl <= in.size() && hl <= p.header.total_len);
  FUZZ_CHECK((in[0] >> 4) == 4 && std::size_t{in[0] & 0x0fu} * 4 == hl);
  FUZZ_CHECK(p.header.tos == in[1]);
  FUZZ_CHECK(p.header.total_len == be16_at(in, 2));
  FUZZ_CHECK(p.header.id == be16_at(in, 4));
  const std::uint16_t frag = be16_at(in, 6);
  FUZZ_CHECK(p.header.dont_fragment == ((frag & 0x4000) != 0));
  FUZZ_CHECK(p.header.more_fragments == ((frag & 0x2000) != 0));
  FUZZ_CHECK(p.header.fragment_offset == (frag & 0x1fff));
  FUZZ_CHECK(p.header.ttl == in[8] && p.header.protocol == in[9]);
  FUZZ_CHECK(p.header.checksum == be16_at(in, 10));
  FUZZ_CHECK(p.header.src.value == be32_at(in, 12) && p.header.dst.value == be32_at(in, 16));
  FUZZ_CHECK(is_at(p.options, in, kIpv4MinHeader, hl - kIpv4MinHeader));
  FUZZ_CHECK(within(p.payload, in));
  FUZZ_CHECK(p.payload.size() <= p.header.total_len - hl);
  FUZZ_CHECK(is_at(p.payload, in, hl, p.payload.size()));
  touch(p.options);
  touch(p.payload);

  // Re-encoding gives back the header, but for the checksum (recomputed) and the reserved flag bit
  // (never sent); the encoded header sums to zero.
  Bytes out;
  Writer w(out);
  encode_ipv4(w, p.header, p.options);
  FUZZ_CHECK(out.size() == hl);
  FUZZ_CHECK(internet_checksum(out) == 0);
  Bytes expect(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(hl));
  expect[6] &= 0x7f;
  expect[10] = out[10];
  expect[11] = out[11];
  FUZZ_CHECK(out == expect);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  auto packet = decode_ipv4(in);
  auto quoted = decode_quoted_ipv4(in);
  if (packet) {
    check_header(*packet, in);
    // A whole packet: the payload is exactly total_len - IHL*4 bytes, and bytes past total_len
    // (Ethernet padding) are not part of it.
    FUZZ_CHECK(packet->header.total_len <= in.size());
    FUZZ_CHECK(packet->payload.size() == packet->header.total_len - packet->header.header_len);
    // Every whole packet is also an acceptable quote, with the same payload.
    FUZZ_CHECK(quoted && quoted->header.header_len == packet->header.header_len &&
               quoted->payload.size() == packet->payload.size());
    // A packet cut short of its total length is not a packet any more.
    if (packet->header.total_len > 0) FUZZ_CHECK(!decode_ipv4(in.first(packet->header.total_len - 1u)));
  }
  if (quoted) {
    check_header(*quoted, in);
    // A quote's payload is what is present, capped at total length.
    const std::size_t hl = quoted->header.header_len;
    FUZZ_CHECK(quoted->payload.size() == std::min<std::size_t>(quoted->header.total_len - hl, in.size() - hl));
    // A quote may lose payload, never header.
    FUZZ_CHECK(!decode_quoted_ipv4(in.first(hl - 1)));
  }
  return 0;
}
