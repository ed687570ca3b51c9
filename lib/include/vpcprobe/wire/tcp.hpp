#pragma once
// TCP header (RFC 9293), for SYN probes and their answers.
//
//    0               16              31
//   +---------------+---------------+
//   | source port   | dest port     |
//   |        sequence number        |
//   |     acknowledgment number     |
//   |off|rsv| flags |    window     |
//   |   checksum    | urgent ptr    |
//   |  options (data offset > 5) ...|
#include <cstdint>
#include <optional>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire {

namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10, urg = 0x20,
                              ece = 0x40, cwr = 0x80;
}
inline constexpr std::size_t kTcpMinHeader = 20;

struct TcpSegment {
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t header_len = 20;  // data offset * 4, 20..60, <= segment size
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::uint16_t checksum = 0;
  std::uint16_t urgent = 0;
  ByteView options;
  ByteView payload;
  std::optional<std::uint16_t> mss;  // from a well-formed MSS option
  bool has(std::uint8_t f) const { return (flags & f) == f; }
};

// Validates data offset against the segment size and walks the options: kind 0 ends, kind 1 is
// one byte, any other kind needs a length byte >= 2 that fits (a length of 0 or 1, or one that
// runs past the header, rejects the segment). When addresses are given, the checksum is verified
// over the pseudo header and a bad one rejects the segment.
Result<TcpSegment> decode_tcp(ByteView segment, std::optional<std::pair<IpAddr, IpAddr>> verify_src_dst = std::nullopt);

// A SYN with an MSS option (1460) and a checksum over the family's pseudo header, window 64240.
Bytes encode_tcp_syn(const IpAddr& src, const IpAddr& dst, std::uint16_t sport, std::uint16_t dport, std::uint32_t isn);
// A bare RST with the given sequence number (to close what a SYN-ACK opened, as nmap does).
Bytes encode_tcp_rst(const IpAddr& src, const IpAddr& dst, std::uint16_t sport, std::uint16_t dport, std::uint32_t seq);

}  // namespace vpcprobe::wire
