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
// src, dst, zero, protocol, length: the pseudo header TCP and UDP checksums cover.
std::uint32_t pseudo_header_sum(const Ipv4& src, const Ipv4& dst, std::uint8_t protocol, std::uint16_t length);

}  // namespace vpcprobe::wire
