#include "vpcprobe/wire/tcp.hpp"

#include <limits>
#include <utility>

#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/wire/ipv4.hpp"

namespace vpcprobe::wire {

namespace {
constexpr std::size_t kChecksumOffset = 16;
constexpr std::uint8_t kOptEnd = 0, kOptNop = 1, kOptMss = 2;
constexpr std::uint8_t kOptMssLen = 4;
constexpr std::uint16_t kSynMss = 1460;
constexpr std::uint16_t kSynWindow = 64240;  // what Linux offers: 44 * 1460

// Walks the options so that a hostile length can neither loop forever (0 or 1) nor read past the
// header; records the MSS when it is well formed.
Result<std::optional<std::uint16_t>> walk_options(ByteView options) {
  std::optional<std::uint16_t> mss;
  Reader r(options);
  while (auto kind = r.u8()) {
    if (*kind == kOptEnd) break;  // the rest is padding
    if (*kind == kOptNop) continue;
    auto len = r.u8();
    if (!len) return fail(Errc::malformed, "tcp: option without length");
    if (*len < 2) return fail(Errc::malformed, "tcp: option length below 2");
    auto body = r.take(std::size_t{*len} - 2);
    if (!body) return fail(Errc::malformed, "tcp: option runs past header");
    if (*kind == kOptMss && *len == kOptMssLen && !mss) mss = Reader(*body).be16();
  }
  return mss;
}

// Fills the checksum of a segment built with a zero checksum field.
Bytes with_checksum(Bytes seg, const IpAddr& src, const IpAddr& dst) {
  const auto len = static_cast<std::uint32_t>(seg.size());
  const std::uint16_t sum = internet_checksum(seg, pseudo_header_sum(src, dst, kProtoTcp, len));
  seg[kChecksumOffset] = static_cast<std::uint8_t>(sum >> 8);
  seg[kChecksumOffset + 1] = static_cast<std::uint8_t>(sum);
  return seg;
}

void write_fixed(Writer& w, std::uint16_t sport, std::uint16_t dport, std::uint32_t seq,
                 std::uint32_t ack, std::size_t header_len, std::uint8_t flags,
                 std::uint16_t window) {
  w.be16(sport);
  w.be16(dport);
  w.be32(seq);
  w.be32(ack);
  w.u8(static_cast<std::uint8_t>((header_len / 4) << 4));
  w.u8(flags);
  w.be16(window);
  w.be16(0);  // checksum, filled in by with_checksum
  w.be16(0);  // urgent pointer
}
}  // namespace

Result<TcpSegment> decode_tcp(ByteView segment, std::optional<std::pair<IpAddr, IpAddr>> verify_src_dst) {
  Reader r(segment);
  auto sport = r.be16();
  auto dport = r.be16();
  auto seq = r.be32();
  auto ack = r.be32();
  auto off = r.u8();
  auto flags = r.u8();
  auto window = r.be16();
  auto checksum = r.be16();
  auto urgent = r.be16();
  if (!sport || !dport || !seq || !ack || !off || !flags || !window || !checksum || !urgent)
    return fail(Errc::malformed, "tcp: truncated header");
  // The low nibble of `off` holds reserved bits (and AccECN's AE); they are not ours to judge.
  const std::size_t header_len = std::size_t{static_cast<std::uint8_t>(*off >> 4)} * 4;
  if (header_len < kTcpMinHeader) return fail(Errc::malformed, "tcp: data offset below 5");
  auto options = r.take(header_len - kTcpMinHeader);
  if (!options) return fail(Errc::malformed, "tcp: data offset past end of segment");
  auto walked = walk_options(*options);
  if (!walked) return std::unexpected(walked.error());

  if (verify_src_dst) {
    // IPv4's pseudo header carries the length in 16 bits (IPv6's in 32, but without jumbograms no
    // segment is longer either).
    if (segment.size() > std::numeric_limits<std::uint16_t>::max())
      return fail(Errc::malformed, "tcp: segment too long");
    const auto len = static_cast<std::uint32_t>(segment.size());
    const auto& [src, dst] = *verify_src_dst;
    if (src.family() != dst.family()) return fail(Errc::malformed, "tcp: addresses of two families");
    if (internet_checksum(segment, pseudo_header_sum(src, dst, kProtoTcp, len)) != 0)
      return fail(Errc::malformed, "tcp: bad checksum");
  }

  TcpSegment s;
  s.sport = *sport;
  s.dport = *dport;
  s.seq = *seq;
  s.ack = *ack;
  s.header_len = static_cast<std::uint8_t>(header_len);
  s.flags = *flags;
  s.window = *window;
  s.checksum = *checksum;
  s.urgent = *urgent;
  s.options = *options;
  s.payload = r.rest();
  s.mss = *walked;
  return s;
}

Bytes encode_tcp_syn(const IpAddr& src, const IpAddr& dst, std::uint16_t sport, std::uint16_t dport,
                     std::uint32_t isn) {
  constexpr std::size_t kLen = kTcpMinHeader + kOptMssLen;
  Bytes out;
  out.reserve(kLen);
  Writer w(out);
  write_fixed(w, sport, dport, isn, 0, kLen, tcp_flag::syn, kSynWindow);
  w.u8(kOptMss);
  w.u8(kOptMssLen);
  w.be16(kSynMss);
  return with_checksum(std::move(out), src, dst);
}

Bytes encode_tcp_rst(const IpAddr& src, const IpAddr& dst, std::uint16_t sport, std::uint16_t dport,
                     std::uint32_t seq) {
  Bytes out;
  out.reserve(kTcpMinHeader);
  Writer w(out);
  write_fixed(w, sport, dport, seq, 0, kTcpMinHeader, tcp_flag::rst, 0);
  return with_checksum(std::move(out), src, dst);
}

}  // namespace vpcprobe::wire
