#pragma once
// ICMP for IPv4 (RFC 792): echo, and the errors that can answer one of our probes.
//
//    0       8       16              31
//   +-------+-------+---------------+
//   | type  | code  |   checksum    |
//   +-------+-------+---------------+
//   |  id (echo)    |  seq (echo)   |   unused / next-hop MTU (frag needed, RFC 1191) for errors
//   +---------------+---------------+
//   | echo data, or the quoted IP header (by its own IHL) + at least 8 bytes of its payload
#include <cstdint>
#include <optional>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"
#include "vpcprobe/wire/ipv4.hpp"

namespace vpcprobe::wire {

namespace icmp_type {
inline constexpr std::uint8_t echo_reply = 0, dest_unreachable = 3, source_quench = 4, redirect = 5,
                              echo_request = 8, time_exceeded = 11, parameter_problem = 12;
}
namespace unreach_code {
inline constexpr std::uint8_t net = 0, host = 1, protocol = 2, port = 3, frag_needed = 4,
                              source_route_failed = 5, net_unknown = 6, host_unknown = 7,
                              host_isolated = 8, net_prohibited = 9, host_prohibited = 10,
                              net_tos = 11, host_tos = 12, admin_prohibited = 13,
                              host_precedence = 14, precedence_cutoff = 15;
}
inline constexpr std::size_t kIcmpHeaderLen = 8;

struct IcmpMessage {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t checksum = 0;
  std::uint32_t rest = 0;  // the second 32-bit word: id/seq for echo, MTU for frag-needed
  ByteView body;           // everything after the 8-byte header
  bool checksum_ok = false;

  std::uint16_t echo_id() const { return static_cast<std::uint16_t>(rest >> 16); }
  std::uint16_t echo_seq() const { return static_cast<std::uint16_t>(rest); }
  bool is_error() const;   // dest unreachable, time exceeded, parameter problem, source quench, redirect
};

// At least the 8-byte header; the checksum over the whole message is verified and reported
// (checksum_ok), not enforced, so callers decide.
Result<IcmpMessage> decode_icmp(ByteView bytes);

// An echo request with the checksum filled in.
Bytes encode_echo_request(std::uint16_t id, std::uint16_t seq, ByteView payload);

// An ICMP error with its quoted datagram validated: the quoted IPv4 header complete by its own IHL
// (options allowed), and at least 8 bytes of the quoted payload present (the transport ports, or
// the ICMP id/seq).
struct IcmpError {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t next_hop_mtu = 0;  // dest unreachable / frag needed only; 0 when not given
  Ipv4Packet quoted;               // quoted.payload.size() >= 8
};
Result<IcmpError> decode_icmp_error(const IcmpMessage& msg);

// What an error quotes, when it quotes one of the probe kinds we send.
struct QuotedEcho {
  Ipv4 src, dst;
  std::uint16_t id = 0, seq = 0;
};
std::optional<QuotedEcho> quoted_echo(const IcmpError& e);  // quoted protocol ICMP, type echo request

struct QuotedTcp {
  Ipv4 src, dst;
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0;
};
std::optional<QuotedTcp> quoted_tcp(const IcmpError& e);  // quoted protocol TCP

}  // namespace vpcprobe::wire
