#pragma once
// IPv6 header (RFC 8200) and a bounded walk over its extension headers.
//
//    0       4               12      16              24              31
//   +-------+---------------+-------------------------------------------+
//   |version| traffic class |                flow label                 |
//   +-------+---------------+---------------+---------------+-----------+
//   |        payload length                 |  next header  | hop limit |
//   +---------------------------------------+---------------+-----------+
//   |                    source address (16 bytes)                      |
//   |                 destination address (16 bytes)                    |
//   |  extension headers (hop-by-hop, routing, fragment, dest. options) |
//   |  upper-layer payload ...                                          |
#include <cstdint>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire {

inline constexpr std::uint8_t kProtoIcmpv6 = 58;
namespace next_header {
inline constexpr std::uint8_t hop_by_hop = 0, tcp = 6, routing = 43, fragment = 44, esp = 50, ah = 51, icmpv6 = 58,
                              none = 59, destination = 60;
}
inline constexpr std::size_t kIpv6Header = 40;
// More extension headers than this in one packet is not a packet we sent or answer.
inline constexpr std::size_t kMaxExtensionHeaders = 8;

struct Ipv6Header {
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;   // 20 bits
  std::uint16_t payload_len = 0;  // bytes after the fixed 40-byte header, extension headers included
  std::uint8_t next_header = 0;
  std::uint8_t hop_limit = 64;
  Ipv6 src;
  Ipv6 dst;
};

struct Ipv6Packet {
  Ipv6Header header;
  // The upper-layer protocol after the extension headers: 6 TCP, 58 ICMPv6, 59 none, or 50 (ESP,
  // whose payload cannot be read further).
  std::uint8_t protocol = 0;
  std::size_t extension_bytes = 0;  // the extension headers walked, in bytes
  std::size_t extension_count = 0;
  bool fragmented = false;          // a fragment header was present
  std::uint16_t fragment_offset = 0;  // in 8-byte units; nonzero: not the first fragment
  bool more_fragments = false;
  ByteView payload;  // the upper-layer bytes, up to payload_len (or to the end of a truncated quote)
};

// A whole packet: version 6, 40 bytes, payload_len <= what follows (bytes past it are ignored;
// payload_len 0 — a jumbogram — is refused). The extension headers are walked: hop-by-hop (only
// first), routing, destination options ((len + 1) * 8 bytes), fragment (8 bytes), AH ((len + 2) *
// 4 bytes); each must lie inside payload_len, at most kMaxExtensionHeaders of them.
Result<Ipv6Packet> decode_ipv6(ByteView bytes);
// The packet quoted inside an ICMPv6 error (RFC 4443: as much as fits in the minimum MTU): the
// fixed header and every extension header must be present, the upper-layer payload may be cut
// short of payload_len; payload is what is present.
Result<Ipv6Packet> decode_quoted_ipv6(ByteView bytes);
// A fixed header (no extension headers), for the NDP frames we send and for fixtures.
void encode_ipv6(Writer& w, const Ipv6Header& h);

}  // namespace vpcprobe::wire
