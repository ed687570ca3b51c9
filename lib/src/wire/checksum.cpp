#include "vpcprobe/wire/checksum.hpp"

#include <array>

namespace vpcprobe::wire {

namespace {
// Folding the carries back in is what makes the sum one's-complement; a 64-bit accumulator cannot
// overflow for any buffer we could hold, so folding once at the end is enough.
std::uint32_t fold(std::uint64_t sum) {
  while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint32_t>(sum);
}
}  // namespace

std::uint32_t ones_complement_sum(ByteView data, std::uint32_t initial) {
  std::uint64_t sum = initial;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += (std::uint32_t{data[i]} << 8) | data[i + 1];
  if (i < data.size()) sum += std::uint32_t{data[i]} << 8;  // odd byte, zero-padded on the right
  return fold(sum);
}

std::uint16_t internet_checksum(ByteView data, std::uint32_t initial) {
  return static_cast<std::uint16_t>(~ones_complement_sum(data, initial) & 0xffff);
}

std::uint32_t pseudo_header_sum(const IpAddr& src, const IpAddr& dst, std::uint8_t protocol, std::uint32_t length) {
  std::uint32_t sum = ones_complement_sum(src.bytes());
  sum = ones_complement_sum(dst.bytes(), sum);
  if (src.is_v4()) {
    const std::array<std::uint8_t, 4> tail{0, protocol, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
    return ones_complement_sum(tail, sum);
  }
  const std::array<std::uint8_t, 8> tail{static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
                                         static_cast<std::uint8_t>(length >> 8),  static_cast<std::uint8_t>(length),
                                         0, 0, 0, protocol};
  return ones_complement_sum(tail, sum);
}

}  // namespace vpcprobe::wire
