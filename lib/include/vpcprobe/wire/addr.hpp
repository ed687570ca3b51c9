#pragma once
// Address value types with strict parse and canonical print: IPv4, IPv6, IpAddr (either family,
// like Asio's ip::address) and MAC. No sockets here: net/ turns an IpAddr into a sockaddr.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vpcprobe::wire {

enum class Family : std::uint8_t { v4 = 4, v6 = 6 };
std::string family_name(Family f);  // "IPv4", "IPv6"

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

struct Ipv6 {
  std::array<std::uint8_t, 16> bytes{};

  // RFC 4291 text forms: full, "::" compressed, and an embedded dotted quad at the end
  // (::ffff:10.0.0.1). No zone id (that is the endpoint parser's business), no brackets.
  static std::optional<Ipv6> parse(std::string_view text);
  std::string to_string() const;  // RFC 5952: lower case, the longest run of zero groups as "::"
  bool is_unspecified() const;
  bool is_loopback() const;                                               // ::1
  bool is_multicast() const { return bytes[0] == 0xff; }                  // ff00::/8
  bool is_link_local() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }  // fe80::/10
  bool is_v4_mapped() const;                                              // ::ffff:0:0/96
  auto operator<=>(const Ipv6&) const = default;
};

// One address of either family. The model holds these; only net/ and sys/ see sockaddrs.
class IpAddr {
 public:
  IpAddr() = default;  // 0.0.0.0
  IpAddr(Ipv4 a);      // implicit: an IPv4 address is an IP address
  IpAddr(Ipv6 a);

  static std::optional<IpAddr> parse(std::string_view text);  // a dotted quad or an IPv6 literal
  // From raw network-order bytes: 4 bytes are IPv4, 16 are IPv6, any other length is nothing.
  static std::optional<IpAddr> from_bytes(std::span<const std::uint8_t> b);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::v4; }
  bool is_v6() const { return family_ == Family::v6; }
  Ipv4 v4() const;  // precondition: is_v4()
  Ipv6 v6() const;  // precondition: is_v6()
  // The address in network byte order: 4 or 16 bytes.
  std::span<const std::uint8_t> bytes() const { return {bytes_.data(), is_v4() ? 4u : 16u}; }

  std::string to_string() const;
  bool is_unspecified() const;
  bool is_loopback() const;
  bool is_multicast() const;
  auto operator<=>(const IpAddr&) const = default;

 private:
  Family family_ = Family::v4;
  std::array<std::uint8_t, 16> bytes_{};  // IPv4 uses the first 4
};

// An address with its prefix length, e.g. an interface address 10.124.0.2/20.
struct IpPrefix {
  IpAddr addr;
  std::uint8_t length = 0;
  bool contains(const IpAddr& ip) const;  // same family, same first `length` bits
};

// Address scopes a network engineer cares about when asking "is this path really private?".
bool is_private_ipv4(const Ipv4& a);   // RFC 1918 10/8, 172.16/12, 192.168/16
bool is_shared_ipv4(const Ipv4& a);    // RFC 6598 100.64/10 (carrier-grade NAT, some VPCs)
bool is_ula(const Ipv6& a);            // RFC 4193 fc00::/7
// Private in the VPC sense: RFC 1918, RFC 6598, link-local, ULA, loopback.
bool is_non_public(const IpAddr& a);

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
