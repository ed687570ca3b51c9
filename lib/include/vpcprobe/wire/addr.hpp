#pragma once
// IPv4 and MAC address value types with strict parse and canonical print.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vpcprobe::wire {

struct Ipv4 {
  std::uint32_t value = 0;  // host byte order: 10.0.0.1 == 0x0a000001

  static std::optional<Ipv4> parse(std::string_view text);  // dotted quad only, no shorthand
  static constexpr Ipv4 from_octets(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return Ipv4{(std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d};
  }
  std::array<std::uint8_t, 4> octets() const;
  std::string to_string() const;
  bool is_unspecified() const { return value == 0; }
  bool is_loopback() const { return (value >> 24) == 127; }
  bool is_multicast() const { return (value >> 28) == 0xe; }
  bool is_broadcast() const { return value == 0xffffffffu; }
  auto operator<=>(const Ipv4&) const = default;
};

struct Mac {
  std::array<std::uint8_t, 6> bytes{};

  static std::optional<Mac> parse(std::string_view text);  // aa:bb:cc:dd:ee:ff (or '-')
  static constexpr Mac broadcast() { return Mac{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  std::string to_string() const;
  bool is_zero() const;
  bool is_broadcast() const { return *this == broadcast(); }
  bool is_multicast() const { return (bytes[0] & 1) != 0; }
  auto operator<=>(const Mac&) const = default;
};

// True when text looks like an attempt at a numeric IPv4 address (digits and dots only), so a
// malformed one such as 999.1.1.1 is reported as a bad address instead of being sent to DNS.
bool looks_numeric_ipv4(std::string_view text);

}  // namespace vpcprobe::wire
