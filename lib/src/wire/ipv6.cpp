#include "vpcprobe/wire/ipv6.hpp"

#include <algorithm>
#include <string>
#include <string_view>

namespace vpcprobe::wire {

namespace {
constexpr std::uint32_t kFlowLabelMask = 0x000fffff;
constexpr std::uint16_t kFragMf = 0x0001;
constexpr std::size_t kFragmentHeaderLen = 8;

Error malformed(std::string_view who, std::string_view what) {
  return Error{Errc::malformed, std::string(who) + ": " + std::string(what)};
}

Ipv6 to_ipv6(ByteView sixteen) {
  Ipv6 a;
  std::copy_n(sixteen.begin(), std::min(sixteen.size(), a.bytes.size()), a.bytes.begin());
  return a;
}

bool is_extension(std::uint8_t nh) {
  using namespace next_header;
  return nh == hop_by_hop || nh == routing || nh == fragment || nh == destination || nh == ah;
}

// The checks a packet and a quote share: the whole fixed header present, version 6, a payload
// length that is not 0 (a jumbogram's real length would be in a hop-by-hop option; we send none
// and answer none). On return the reader sits after the fixed header.
Result<Ipv6Packet> decode_fixed(Reader& r, std::string_view who) {
  auto word = r.be32();
  if (!word) return std::unexpected(malformed(who, "truncated header"));
  if ((*word >> 28) != 6) return std::unexpected(malformed(who, "version is not 6"));
  auto payload_len = r.be16();
  auto next = r.u8();
  auto hop_limit = r.u8();
  auto src = r.take(16);
  auto dst = r.take(16);
  if (!payload_len || !next || !hop_limit || !src || !dst)
    return std::unexpected(malformed(who, "truncated header"));
  if (*payload_len == 0) return std::unexpected(malformed(who, "payload length 0 (jumbogram)"));

  Ipv6Packet p;
  p.header.traffic_class = static_cast<std::uint8_t>(*word >> 20);
  p.header.flow_label = *word & kFlowLabelMask;
  p.header.payload_len = *payload_len;
  p.header.next_header = *next;
  p.header.hop_limit = *hop_limit;
  p.header.src = to_ipv6(*src);
  p.header.dst = to_ipv6(*dst);
  return p;
}

// Walks the extension headers inside `region` (the bytes after the fixed header that are both
// inside payload_len and present) from the fixed header's next header. Each header must lie
// entirely inside region; a hostile length can only make it refuse, never read past region, and
// the count bounds the loop. On return payload is what follows the last header walked.
Result<Ipv6Packet> walk_extensions(Ipv6Packet p, ByteView region, std::string_view who) {
  Reader r(region);
  std::uint8_t nh = p.header.next_header;
  while (is_extension(nh)) {
    if (p.extension_count == kMaxExtensionHeaders)
      return std::unexpected(malformed(who, "too many extension headers"));
    // RFC 8200 4.1: hop-by-hop options only immediately after the fixed header.
    if (nh == next_header::hop_by_hop && p.extension_count != 0)
      return std::unexpected(malformed(who, "hop-by-hop options not first"));
    auto next = r.u8();
    auto len = r.u8();  // the fragment header's reserved byte
    if (!next || !len) return std::unexpected(malformed(who, "extension header runs past the end"));
    std::size_t size = 0;
    if (nh == next_header::fragment) {
      size = kFragmentHeaderLen;
    } else if (nh == next_header::ah) {
      size = (std::size_t{*len} + 2) * 4;  // RFC 4302: in 4-byte units, minus 2
    } else {
      size = (std::size_t{*len} + 1) * 8;  // in 8-byte units, not counting the first 8
    }
    auto body = r.take(size - 2);
    if (!body) return std::unexpected(malformed(who, "extension header runs past the end"));
    ++p.extension_count;
    p.extension_bytes += size;
    const std::uint8_t current = nh;
    nh = *next;
    if (current == next_header::fragment) {
      Reader f(*body);
      auto off = f.be16();
      if (!off) return std::unexpected(malformed(who, "truncated fragment header"));
      p.fragmented = true;
      p.fragment_offset = static_cast<std::uint16_t>(*off >> 3);
      p.more_fragments = (*off & kFragMf) != 0;
      // A later fragment carries bytes from the middle of the datagram: whatever follows is not a
      // header to walk, whatever its next header says.
      if (p.fragment_offset != 0) break;
    }
  }
  p.protocol = nh;
  p.payload = r.rest();
  return p;
}
}  // namespace

Result<Ipv6Packet> decode_ipv6(ByteView bytes) {
  Reader r(bytes);
  auto p = decode_fixed(r, "ipv6");
  if (!p) return p;
  // Anything past payload length (Ethernet padding, say) is not part of the packet.
  auto region = r.take(p->header.payload_len);
  if (!region) return fail(Errc::malformed, "ipv6: payload length past end of packet");
  return walk_extensions(*p, *region, "ipv6");
}

Result<Ipv6Packet> decode_quoted_ipv6(ByteView bytes) {
  Reader r(bytes);
  auto p = decode_fixed(r, "quoted ipv6");
  if (!p) return p;
  // An error quotes a prefix of the packet, so a short payload is normal here; bytes past
  // payload_len are not part of the packet. Extension headers must still be whole.
  auto rest = r.rest();
  return walk_extensions(*p, rest.first(std::min<std::size_t>(p->header.payload_len, rest.size())),
                         "quoted ipv6");
}

void encode_ipv6(Writer& w, const Ipv6Header& h) {
  w.be32((std::uint32_t{6} << 28) | (std::uint32_t{h.traffic_class} << 20) | (h.flow_label & kFlowLabelMask));
  w.be16(h.payload_len);
  w.u8(h.next_header);
  w.u8(h.hop_limit);
  w.bytes(h.src.bytes);
  w.bytes(h.dst.bytes);
}

}  // namespace vpcprobe::wire
