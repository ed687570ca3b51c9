#include "vpcprobe/wire/ipv4.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "vpcprobe/wire/checksum.hpp"

namespace vpcprobe::wire {

namespace {
constexpr std::uint16_t kFlagDf = 0x4000;
constexpr std::uint16_t kFlagMf = 0x2000;
constexpr std::uint16_t kFragOffsetMask = 0x1fff;
constexpr std::size_t kChecksumOffset = 10;

Error malformed(std::string_view who, std::string_view what) {
  return Error{Errc::malformed, std::string(who) + ": " + std::string(what)};
}

// The checks a packet and a quote share: version, IHL, the whole header (options included) present,
// and a total length that at least covers the header. On return the reader sits at the payload.
Result<Ipv4Packet> decode_header(Reader& r, std::string_view who) {
  auto vihl = r.u8();
  if (!vihl) return std::unexpected(malformed(who, "truncated header"));
  if ((*vihl >> 4) != 4) return std::unexpected(malformed(who, "version is not 4"));
  const std::size_t header_len = std::size_t{*vihl & 0x0fu} * 4;
  if (header_len < kIpv4MinHeader) return std::unexpected(malformed(who, "header length below 20"));

  auto tos = r.u8();
  auto total_len = r.be16();
  auto id = r.be16();
  auto frag = r.be16();
  auto ttl = r.u8();
  auto protocol = r.u8();
  auto checksum = r.be16();
  auto src = r.be32();
  auto dst = r.be32();
  if (!tos || !total_len || !id || !frag || !ttl || !protocol || !checksum || !src || !dst)
    return std::unexpected(malformed(who, "truncated header"));
  auto options = r.take(header_len - kIpv4MinHeader);
  if (!options) return std::unexpected(malformed(who, "truncated options"));
  if (*total_len < header_len)
    return std::unexpected(malformed(who, "total length shorter than header"));

  Ipv4Packet p;
  p.header.header_len = static_cast<std::uint8_t>(header_len);
  p.header.tos = *tos;
  p.header.total_len = *total_len;
  p.header.id = *id;
  p.header.dont_fragment = (*frag & kFlagDf) != 0;
  p.header.more_fragments = (*frag & kFlagMf) != 0;
  p.header.fragment_offset = static_cast<std::uint16_t>(*frag & kFragOffsetMask);
  p.header.ttl = *ttl;
  p.header.protocol = *protocol;
  p.header.checksum = *checksum;
  p.header.src = Ipv4{*src};
  p.header.dst = Ipv4{*dst};
  p.options = *options;
  return p;
}
}  // namespace

Result<Ipv4Packet> decode_ipv4(ByteView bytes) {
  Reader r(bytes);
  auto p = decode_header(r, "ipv4");
  if (!p) return p;
  const std::size_t want = p->header.total_len - std::size_t{p->header.header_len};
  // Anything past total length (Ethernet padding, say) is not part of the packet.
  auto payload = r.take(want);
  if (!payload) return fail(Errc::malformed, "ipv4: total length past end of packet");
  p->payload = *payload;
  return p;
}

Result<Ipv4Packet> decode_quoted_ipv4(ByteView bytes) {
  Reader r(bytes);
  auto p = decode_header(r, "quoted ipv4");
  if (!p) return p;
  // Routers quote a prefix of the datagram, so a short payload is normal here; a longer one is not
  // part of the datagram.
  const std::size_t want = p->header.total_len - std::size_t{p->header.header_len};
  auto rest = r.rest();
  p->payload = rest.first(std::min(want, rest.size()));
  return p;
}

void encode_ipv4(Writer& w, const Ipv4Header& h, ByteView options) {
  // The header length follows the options actually written, so it cannot disagree with them.
  // Out-of-contract options are cut to 40 bytes and padded with End-of-List (zero) bytes.
  options = options.first(std::min(options.size(), kIpv4MaxHeader - kIpv4MinHeader));
  const std::size_t padded = (options.size() + 3) / 4 * 4;
  const std::size_t header_len = kIpv4MinHeader + padded;

  Bytes hdr;
  hdr.reserve(header_len);
  Writer hw(hdr);
  hw.u8(static_cast<std::uint8_t>(0x40 | (header_len / 4)));
  hw.u8(h.tos);
  hw.be16(h.total_len);
  hw.be16(h.id);
  auto frag = static_cast<std::uint16_t>(h.fragment_offset & kFragOffsetMask);
  if (h.dont_fragment) frag |= kFlagDf;
  if (h.more_fragments) frag |= kFlagMf;
  hw.be16(frag);
  hw.u8(h.ttl);
  hw.u8(h.protocol);
  hw.be16(0);  // checksum, filled in below
  hw.be32(h.src.value);
  hw.be32(h.dst.value);
  hw.bytes(options);
  hw.zeros(padded - options.size());

  const std::uint16_t sum = internet_checksum(hdr);
  hdr[kChecksumOffset] = static_cast<std::uint8_t>(sum >> 8);
  hdr[kChecksumOffset + 1] = static_cast<std::uint8_t>(sum);
  w.bytes(hdr);
}

}  // namespace vpcprobe::wire
