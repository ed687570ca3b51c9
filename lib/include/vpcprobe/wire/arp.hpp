#pragma once
// ARP for IPv4 over Ethernet (RFC 826), the only kind we send or accept.
//
//   0       2       4   5   6       8
//   +-------+-------+---+---+-------+
//   | htype | ptype |hln|pln|  op   |   htype=1 ptype=0x0800 hln=6 pln=4
//   +-------+-------+---+---+-------+------------------+
//   | sender MAC (6)        | sender IP (4) |
//   | target MAC (6)        | target IP (4) |          28 bytes in all
#include <cstdint>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire {

inline constexpr std::size_t kArpLen = 28;
// An ARP payload may carry Ethernet padding (to 46 bytes) and a trailing FCS; more is not ARP.
inline constexpr std::size_t kArpMaxPayload = 46 + 4;

enum class ArpOp : std::uint16_t { request = 1, reply = 2 };

struct ArpPacket {
  ArpOp op = ArpOp::request;
  Mac sender_mac;
  Ipv4 sender_ip;
  Mac target_mac;
  Ipv4 target_ip;
  bool operator==(const ArpPacket&) const = default;
};

void encode_arp(Writer& w, const ArpPacket& p);
Result<ArpPacket> decode_arp(ByteView payload);

// A whole Ethernet frame asking who-has target_ip, sent to dst (broadcast or a cached MAC),
// padded to the Ethernet minimum.
Bytes encode_arp_request_frame(const Mac& src_mac, const Ipv4& src_ip, const Ipv4& target_ip,
                               const Mac& dst);

// An ARP reply is an answer to our who-has only if it is a reply, from the IP we asked about,
// addressed to our IP and our MAC.
bool arp_reply_matches(const ArpPacket& reply, const Ipv4& asked_ip, const Ipv4& our_ip,
                       const Mac& our_mac);

}  // namespace vpcprobe::wire
