#pragma once
// ICMPv6 (RFC 4443): echo and the errors that can answer one of our probes; and Neighbor
// Discovery (RFC 4861): the solicitation we send and the advertisement that answers it.
//
//    0       8       16              31
//   +-------+-------+---------------+
//   | type  | code  |   checksum    |   checksum over the IPv6 pseudo header (next header 58)
//   +-------+-------+---------------+
//   | id (echo)     | seq (echo)    |   MTU (packet too big), pointer (parameter problem),
//   +---------------+---------------+   flags R|S|O (neighbor advertisement)
//   | echo data, the quoted packet (errors), or the target address and options (NDP)
#include <cstdint>
#include <optional>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"
#include "vpcprobe/wire/ipv6.hpp"

namespace vpcprobe::wire {

namespace icmp6_type {
inline constexpr std::uint8_t dest_unreachable = 1, packet_too_big = 2, time_exceeded = 3, parameter_problem = 4,
                              echo_request = 128, echo_reply = 129, router_solicitation = 133,
                              router_advertisement = 134, neighbor_solicitation = 135, neighbor_advertisement = 136,
                              redirect = 137;
}
namespace unreach6_code {
inline constexpr std::uint8_t no_route = 0, admin_prohibited = 1, beyond_scope = 2, address_unreachable = 3,
                              port_unreachable = 4, source_policy = 5, reject_route = 6;
}
inline constexpr std::size_t kIcmpv6HeaderLen = 8;
// RFC 4861: every NDP message is sent, and must be received, with hop limit 255 (so it cannot come
// from off-link).
inline constexpr std::uint8_t kNdpHopLimit = 255;

struct Icmpv6Message {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t checksum = 0;
  std::uint32_t rest = 0;  // the second 32-bit word
  ByteView body;           // everything after the 8-byte header
  std::uint16_t echo_id() const { return static_cast<std::uint16_t>(rest >> 16); }
  std::uint16_t echo_seq() const { return static_cast<std::uint16_t>(rest); }
  bool is_error() const { return type < 128; }  // RFC 4443: types 0-127 are errors
};

// At least the 8-byte header. The checksum needs the addresses: icmpv6_checksum_ok.
Result<Icmpv6Message> decode_icmpv6(ByteView bytes);
// True when the message's checksum is right for these addresses (pseudo header, RFC 8200 8.1).
bool icmpv6_checksum_ok(ByteView message, const Ipv6& src, const Ipv6& dst);
// Fills the checksum field (bytes 2-3) of an encoded ICMPv6 message for these addresses (whatever
// the field held before is ignored). A buffer shorter than the 8-byte header is left alone.
void fill_icmpv6_checksum(Bytes& message, const Ipv6& src, const Ipv6& dst);
// An echo request; the checksum is left 0: an ICMPv6 socket always computes it (RFC 3542).
Bytes encode_echo6_request(std::uint16_t id, std::uint16_t seq, ByteView payload);

// An ICMPv6 error with its quoted packet validated: the fixed header and every extension header
// present, and at least 8 bytes of the upper-layer payload (the ports and TCP sequence, or the
// echo id/seq).
struct Icmpv6Error {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint32_t mtu = 0;      // packet too big only; 0 otherwise
  std::uint32_t pointer = 0;  // parameter problem only
  Ipv6Packet quoted;          // quoted.payload.size() >= 8
};
Result<Icmpv6Error> decode_icmpv6_error(const Icmpv6Message& msg);

struct QuotedEcho6 {
  Ipv6 src, dst;
  std::uint16_t id = 0, seq = 0;
};
// Quoted protocol ICMPv6, type echo request, first (or no) fragment.
std::optional<QuotedEcho6> quoted_echo6(const Icmpv6Error& e);
struct QuotedTcp6 {
  Ipv6 src, dst;
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0;
};
// Quoted protocol TCP, first (or no) fragment.
std::optional<QuotedTcp6> quoted_tcp6(const Icmpv6Error& e);

// Neighbor Discovery -------------------------------------------------------------------------------

namespace ndp_option {
inline constexpr std::uint8_t source_lladdr = 1, target_lladdr = 2, prefix_info = 3, redirected = 4, mtu = 5;
}

// A Neighbor Advertisement (type 136, code 0): the 4-byte flags word, the 16-byte target, then
// options, each a type, a length in units of 8 bytes (0 refuses the message) and its bytes, all
// inside the message. A target link-layer address option on Ethernet is 8 bytes (length 1).
// Every option is walked (a malformed one anywhere refuses the message); the first link-layer
// address option of length 1 gives the MAC, later ones and ones of another length are ignored.
struct NeighborAdvert {
  bool router = false, solicited = false, override_flag = false;
  Ipv6 target;
  std::optional<Mac> target_mac;  // from the target link-layer address option
};
Result<NeighborAdvert> decode_neighbor_advert(const Icmpv6Message& msg);

// A Neighbor Solicitation (type 135, code 0): 4 reserved bytes, the target, options (walked as
// for the advertisement).
struct NeighborSolicit {
  Ipv6 target;
  std::optional<Mac> source_mac;  // from the source link-layer address option
};
Result<NeighborSolicit> decode_neighbor_solicit(const Icmpv6Message& msg);

// A Neighbor Solicitation for target from src to dst (the solicited-node group, or the target
// itself for a unicast probe), with our MAC as the source link-layer address option and the
// checksum filled in. (Not for duplicate address detection: a solicitation from :: must carry
// no link-layer address option, RFC 4861 4.3.)
Bytes encode_neighbor_solicit(const Ipv6& src, const Ipv6& dst, const Ipv6& target, const Mac& source_mac);
// The same, as a whole Ethernet frame: Ethernet header to dst_mac, IPv6 header (hop limit 255,
// next header 58), the solicitation.
Bytes encode_neighbor_solicit_frame(const Mac& src_mac, const Mac& dst_mac, const Ipv6& src, const Ipv6& dst,
                                    const Ipv6& target);

// A Neighbor Advertisement (flags R, S, O; the target's link-layer address option when given),
// checksum filled in: the answer a neighbor sends, for fixtures and the fuzz harness.
Bytes encode_neighbor_advert(const Ipv6& src, const Ipv6& dst, const NeighborAdvert& na);

// What an IPv6 packet, arrived in an Ethernet frame from eth_src, says as an answer to our
// solicitation for `target`, sent from `our_ip` (`unicast_asked`: one went to the cached MAC too):
//   not_advert    not a Neighbor Advertisement at all (other IPv6 traffic, or garbage)
//   other_target  an advertisement for another address: another probe's
//   rejected      an advertisement for our target that is no answer to us: hop limit not 255, a
//                 bad checksum, code not 0, not to our address, Solicited clear, or (answering the
//                 multicast solicitation, RFC 4861 7.2.4) without the target's link-layer address
//   answer        the MAC (from the option, else the frame's source) and the advertisement
enum class NdpMatch { not_advert, other_target, rejected, answer };
struct NdpAnswer {
  NdpMatch match = NdpMatch::not_advert;
  Mac mac;
  NeighborAdvert advert;
};
NdpAnswer match_neighbor_advert(ByteView packet, const Mac& eth_src, const Ipv6& target, const Ipv6& our_ip, bool unicast_asked);

// ff02::1:ffXX:XXXX, the group a target's solicitations go to (RFC 4291 2.7.1).
Ipv6 solicited_node(const Ipv6& target);
// 33:33 and the group's last four bytes: the Ethernet address of an IPv6 multicast group (RFC 2464).
Mac multicast_mac(const Ipv6& group);

}  // namespace vpcprobe::wire
