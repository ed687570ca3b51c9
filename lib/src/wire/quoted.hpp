#pragma once
// What the first 8 bytes of a quoted transport header say, shared by the ICMP and ICMPv6 error
// decoders: an echo request's type, id and sequence, or TCP's ports and sequence number. Private
// to wire/; bounds-checked through Reader.
#include <cstdint>
#include <optional>

#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire::detail {

struct QuotedEchoFields {
  std::uint8_t type = 0;
  std::uint16_t id = 0, seq = 0;
};
inline std::optional<QuotedEchoFields> read_quoted_echo(ByteView payload) {
  Reader r(payload);
  auto type = r.u8();
  auto code = r.u8();
  auto checksum = r.be16();
  auto id = r.be16();
  auto seq = r.be16();
  if (!type || !code || !checksum || !id || !seq) return std::nullopt;
  return QuotedEchoFields{*type, *id, *seq};
}

struct QuotedTcpFields {
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0;
};
inline std::optional<QuotedTcpFields> read_quoted_tcp(ByteView payload) {
  Reader r(payload);
  auto sport = r.be16();
  auto dport = r.be16();
  auto seq = r.be32();
  if (!sport || !dport || !seq) return std::nullopt;
  return QuotedTcpFields{*sport, *dport, *seq};
}

}  // namespace vpcprobe::wire::detail
