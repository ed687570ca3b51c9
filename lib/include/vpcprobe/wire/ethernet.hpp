#pragma once
// Ethernet II, optionally with one 802.1Q / 802.1ad tag.
//
//   0                   6                   12      14
//   +-------------------+-------------------+-------+----------------
//   | destination MAC   | source MAC        | type  | payload ...
//   +-------------------+-------------------+-------+----------------
//   with a tag:                             | 8100  | TCI   | type  | payload
#include <cstdint>
#include <optional>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire {

inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEtherTypeArp = 0x0806;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;
inline constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;
inline constexpr std::size_t kEthernetHeaderLen = 14;
inline constexpr std::size_t kEthernetMinFrame = 60;     // without FCS
inline constexpr std::size_t kEthernetMaxFrame = 9216;   // jumbo; anything larger is a lie

struct EthernetHeader {
  Mac dst;
  Mac src;
  std::uint16_t ethertype = 0;
  std::optional<std::uint16_t> vlan_id;  // set when the frame carried an 802.1Q/802.1ad tag
};

struct EthernetFrame {
  EthernetHeader header;
  ByteView payload;
};

void encode_ethernet(Writer& w, const EthernetHeader& h);
Result<EthernetFrame> decode_ethernet(ByteView frame);

}  // namespace vpcprobe::wire
