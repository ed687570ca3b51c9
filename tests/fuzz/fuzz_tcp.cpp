// decode_tcp with and without checksum verification. The first 8 input bytes are the source and
// destination addresses of the pseudo header, the rest is the segment.
#include <utility>

#include "fuzz_common.hpp"
#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/wire/ipv4.hpp"
#include "vpcprobe/wire/tcp.hpp"

using namespace vpcprobe::wire;
using namespace vpcprobe::fuzz;

namespace {

void check_segment(const TcpSegment& s, ByteView in) {
  const std::size_t hl = s.header_len;
  FUZZ_CHECK(hl >= kTcpMinHeader && hl <= 60 && hl % 4 == 0 && hl <= in.size());
  FUZZ_CHECK(hl == std::size_t{static_cast<std::uint8_t>(in[12] >> 4)} * 4);
  FUZZ_CHECK(s.sport == be16_at(in, 0) && s.dport == be16_at(in, 2));
  FUZZ_CHECK(s.seq == be32_at(in, 4) && s.ack == be32_at(in, 8));
  FUZZ_CHECK(s.flags == in[13] && s.window == be16_at(in, 14));
  FUZZ_CHECK(s.checksum == be16_at(in, 16) && s.urgent == be16_at(in, 18));
  FUZZ_CHECK(is_at(s.options, in, kTcpMinHeader, hl - kTcpMinHeader));
  FUZZ_CHECK(is_at(s.payload, in, hl, in.size() - hl));
  touch(s.options);
  touch(s.payload);
  // An MSS comes from a well-formed option: kind 2, length 4, inside the options area.
  if (s.mss) {
    bool found = false;
    for (std::size_t i = 0; i + 4 <= s.options.size() && !found; ++i)
      found = s.options[i] == 2 && s.options[i + 1] == 4 && be16_at(s.options, i + 2) == *s.mss;
    FUZZ_CHECK(found);
  }
}

bool same(const TcpSegment& a, const TcpSegment& b) {
  return a.sport == b.sport && a.dport == b.dport && a.seq == b.seq && a.ack == b.ack &&
         a.header_len == b.header_len && a.flags == b.flags && a.window == b.window &&
         a.checksum == b.checksum && a.urgent == b.urgent && a.mss == b.mss &&
         a.options.data() == b.options.data() && a.options.size() == b.options.size() &&
         a.payload.data() == b.payload.data() && a.payload.size() == b.payload.size();
}

// Our own SYN and RST for fuzzer-chosen addresses, ports and numbers decode and verify.
void check_encoders(const IpAddr& src, const IpAddr& dst, std::uint16_t sport, std::uint16_t dport,
                    std::uint32_t seq) {
  const auto out = std::make_pair(src, dst);
  auto syn = encode_tcp_syn(src, dst, sport, dport, seq);
  auto s = decode_tcp(syn, out);
  FUZZ_CHECK(s && s->sport == sport && s->dport == dport && s->seq == seq && s->ack == 0);
  FUZZ_CHECK(s->flags == tcp_flag::syn && s->mss == 1460 && s->header_len == 24 && s->payload.empty());
  auto rst = encode_tcp_rst(src, dst, sport, dport, seq);
  auto r = decode_tcp(rst, out);
  FUZZ_CHECK(r && r->flags == tcp_flag::rst && r->seq == seq && r->header_len == 20 && !r->mss);
  // One flipped bit anywhere breaks the checksum.
  syn[seq % syn.size()] ^= static_cast<std::uint8_t>(1u << (sport % 8));
  FUZZ_CHECK(!decode_tcp(syn, out));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView all(data, size);
  IpAddr src, dst;
  ByteView in = all;
  if (size >= 8) {
    src = Ipv4{be32_at(all, 0)};
    dst = Ipv4{be32_at(all, 4)};
    in = all.subspan(8);
  }
  auto plain = decode_tcp(in);
  auto verified = decode_tcp(in, std::make_pair(src, dst));
  if (plain) check_segment(*plain, in);
  // Verification only adds the checksum test: it accepts exactly the segments that decode and sum
  // to zero over the pseudo header, and then decodes them the same way.
  const bool sums_to_zero =
      in.size() <= 0xffff &&
      internet_checksum(in, pseudo_header_sum(src, dst, kProtoTcp, static_cast<std::uint32_t>(in.size()))) == 0;
  FUZZ_CHECK(verified.has_value() == (plain.has_value() && sums_to_zero));
  if (verified) FUZZ_CHECK(same(*plain, *verified));

  if (in.size() >= 8)
    check_encoders(src, dst, be16_at(in, 0), be16_at(in, 2), be32_at(in, 4));
  // The IPv6 pseudo header: addresses from 32 more bytes, when the input has them.
  if (in.size() >= 40)
    check_encoders(*IpAddr::from_bytes(in.subspan(8, 16)), *IpAddr::from_bytes(in.subspan(24, 16)), be16_at(in, 0),
                   be16_at(in, 2), be32_at(in, 4));
  return 0;
}
