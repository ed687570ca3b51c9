#pragma once
// The Internet checksum (RFC 1071) and the TCP/UDP pseudo-header sum.
#include <cstdint>

#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire {

// One's-complement sum of 16-bit big-endian words, folded, not yet complemented. An odd trailing
// byte is padded with zero. `initial` lets sums be chained (pseudo header + segment).
std::uint32_t ones_complement_sum(ByteView data, std::uint32_t initial = 0);
// ~fold(sum): the value to put in a checksum field. A buffer whose checksum field is correct
// yields 0 when fed back through internet_checksum.
std::uint16_t internet_checksum(ByteView data, std::uint32_t initial = 0);
// The pseudo header TCP, UDP and ICMPv6 checksums cover, by the addresses' family: IPv4 (RFC 793:
// src, dst, zero, protocol, 16-bit length) or IPv6 (RFC 8200: src, dst, 32-bit length, zeros,
// next header). Both addresses must be of one family.
std::uint32_t pseudo_header_sum(const IpAddr& src, const IpAddr& dst, std::uint8_t protocol, std::uint32_t length);

}  // namespace vpcprobe::wire
