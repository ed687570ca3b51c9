#pragma once
// IPv4 header (RFC 791). Options are allowed and sized by IHL; nothing is read past IHL*4 or
// past total length.
//
//    0       4       8              16      19             31
//   +-------+-------+---------------+-------+--------------+
//   |version|  IHL  |     TOS       |         total length |
//   +-------+-------+---------------+-------+--------------+
//   |        identification         |flags|fragment offset |
//   +---------------+---------------+----------------------+
//   |      TTL      |   protocol    |   header checksum    |
//   +---------------+---------------+----------------------+
//   |                  source address                      |
//   |                destination address                   |
//   |                options (IHL > 5) ...                 |
#include <cstdint>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire {

inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::size_t kIpv4MinHeader = 20;
inline constexpr std::size_t kIpv4MaxHeader = 60;

struct Ipv4Header {
  std::uint8_t header_len = 20;  // IHL * 4, 20..60
  std::uint8_t tos = 0;
  std::uint16_t total_len = 0;
  std::uint16_t id = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t fragment_offset = 0;  // in 8-byte units
  std::uint8_t ttl = 64;
  std::uint8_t protocol = 0;
  std::uint16_t checksum = 0;
  Ipv4 src;
  Ipv4 dst;
};

struct Ipv4Packet {
  Ipv4Header header;
  ByteView options;  // header_len - 20 bytes
  ByteView payload;  // bytes after the header, up to total_len (or to the end of a truncated quote)
};

// A whole packet as a raw socket delivers it: version 4, IHL >= 5, IHL*4 <= size,
// IHL*4 <= total_len <= size (bytes past total_len are ignored). The header checksum is not
// verified (the kernel already did, and offloads may leave it 0).
Result<Ipv4Packet> decode_ipv4(ByteView bytes);

// The original datagram quoted inside an ICMP error (RFC 792/1812): the whole header by its own
// IHL must be present (options included), but the payload may be cut short of total_len, as
// routers quote only the header plus 8 bytes (or more). payload is what is present, capped at
// total_len - header_len.
Result<Ipv4Packet> decode_quoted_ipv4(ByteView bytes);

// Encodes a header with the checksum filled in (options must be a multiple of 4 bytes, <= 40).
// The probes never send a hand-made IPv4 header (the kernel builds it); the unit tests and the
// fuzz harness use this to build fixtures and to check that decoding round-trips.
void encode_ipv4(Writer& w, const Ipv4Header& h, ByteView options = {});

}  // namespace vpcprobe::wire
