#include "vpcprobe/wire/addr.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vpcprobe::wire {

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  std::uint32_t value = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t start = i;
    unsigned octet = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3) {
      octet = octet * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
    }
    std::size_t len = i - start;
    if (len == 0 || octet > 255) return std::nullopt;
    if (len > 1 && text[start] == '0') return std::nullopt;  // no octal-looking octets
    value = (value << 8) | octet;
    ++parts;
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return Ipv4{value};
}

std::array<std::uint8_t, 4> Ipv4::octets() const {
  return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

std::string Ipv4::to_string() const {
  auto o = octets();
  return fmt::format("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
}

std::string family_name(Family f) { return f == Family::v4 ? "IPv4" : "IPv6"; }

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Mac> Mac::parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  Mac m;
  for (std::size_t i = 0; i < 6; ++i) {
    int hi = hex_digit(text[i * 3]);
    int lo = hex_digit(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && text[i * 3 + 2] != ':' && text[i * 3 + 2] != '-') return std::nullopt;
    m.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return m;
}

std::string Mac::to_string() const {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2],
                     bytes[3], bytes[4], bytes[5]);
}

bool Mac::is_zero() const {
  for (auto b : bytes)
    if (b != 0) return false;
  return true;
}

std::optional<Ipv6> Ipv6::parse(std::string_view text) {
  // Groups before and after a "::" (if any); the last group may be a dotted quad.
  std::array<std::uint16_t, 8> head{}, tail{};
  std::size_t nhead = 0, ntail = 0;
  bool compressed = false;
  if (text.size() < 2 || text.size() > 45) return std::nullopt;
  std::size_t i = 0;
  if (text.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
  } else if (text[0] == ':') {
    return std::nullopt;
  }
  auto push = [&](std::uint16_t g) {
    auto& arr = compressed ? tail : head;
    auto& n = compressed ? ntail : nhead;
    if (nhead + ntail >= 8) return false;
    arr[n++] = g;
    return true;
  };
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] != ':') ++i;
    std::string_view group = text.substr(start, i - start);
    if (group.find('.') != std::string_view::npos) {  // an embedded IPv4 address ends the text
      if (i != text.size()) return std::nullopt;
      auto v4 = Ipv4::parse(group);
      if (!v4) return std::nullopt;
      if (!push(static_cast<std::uint16_t>(v4->value >> 16)) || !push(static_cast<std::uint16_t>(v4->value))) return std::nullopt;
      break;
    }
    if (group.empty() || group.size() > 4) return std::nullopt;
    unsigned v = 0;
    for (char c : group) {
      int d = hex_digit(c);
      if (d < 0) return std::nullopt;
      v = v * 16 + static_cast<unsigned>(d);
    }
    if (!push(static_cast<std::uint16_t>(v))) return std::nullopt;
    if (i == text.size()) break;
    ++i;  // the ':'
    if (i < text.size() && text[i] == ':') {
      if (compressed) return std::nullopt;  // a second "::"
      compressed = true;
      ++i;
    } else if (i == text.size()) {
      return std::nullopt;  // a trailing single ':'
    }
  }
  if (compressed ? nhead + ntail > 7 : nhead != 8) return std::nullopt;
  Ipv6 out;
  std::array<std::uint16_t, 8> groups{};
  for (std::size_t k = 0; k < nhead; ++k) groups[k] = head[k];
  for (std::size_t k = 0; k < ntail; ++k) groups[8 - ntail + k] = tail[k];
  for (std::size_t k = 0; k < 8; ++k) {
    out.bytes[2 * k] = static_cast<std::uint8_t>(groups[k] >> 8);
    out.bytes[2 * k + 1] = static_cast<std::uint8_t>(groups[k]);
  }
  return out;
}

std::string Ipv6::to_string() const {
  std::array<unsigned, 8> g{};
  for (std::size_t k = 0; k < 8; ++k) g[k] = (unsigned{bytes[2 * k]} << 8) | bytes[2 * k + 1];
  // RFC 5952: the longest run (first if tied) of two or more zero groups becomes "::".
  int best = -1, best_len = 0;
  for (int k = 0; k < 8;) {
    if (g[static_cast<std::size_t>(k)] != 0) { ++k; continue; }
    int start = k;
    while (k < 8 && g[static_cast<std::size_t>(k)] == 0) ++k;
    if (k - start > best_len) { best = start; best_len = k - start; }
  }
  if (best_len < 2) best = -1;
  std::string out;
  if (is_v4_mapped()) {
    return fmt::format("::ffff:{}.{}.{}.{}", bytes[12], bytes[13], bytes[14], bytes[15]);
  }
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[static_cast<std::size_t>(k)]);
  }
  return out;
}

bool Ipv6::is_unspecified() const {
  for (auto b : bytes)
    if (b != 0) return false;
  return true;
}

bool Ipv6::is_loopback() const {
  for (std::size_t k = 0; k < 15; ++k)
    if (bytes[k] != 0) return false;
  return bytes[15] == 1;
}

bool Ipv6::is_v4_mapped() const {
  for (std::size_t k = 0; k < 10; ++k)
    if (bytes[k] != 0) return false;
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

IpAddr::IpAddr(Ipv4 a) : family_(Family::v4) {
  auto o = a.octets();
  std::copy(o.begin(), o.end(), bytes_.begin());
}

IpAddr::IpAddr(Ipv6 a) : family_(Family::v6), bytes_(a.bytes) {}

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (auto v4 = Ipv4::parse(text)) return IpAddr(*v4);
  if (auto v6 = Ipv6::parse(text)) return IpAddr(*v6);
  return std::nullopt;
}

std::optional<IpAddr> IpAddr::from_bytes(std::span<const std::uint8_t> b) {
  if (b.size() == 4) return IpAddr(Ipv4::from_octets(b[0], b[1], b[2], b[3]));
  if (b.size() == 16) {
    Ipv6 a;
    std::copy(b.begin(), b.end(), a.bytes.begin());
    return IpAddr(a);
  }
  return std::nullopt;
}

Ipv4 IpAddr::v4() const { return Ipv4::from_octets(bytes_[0], bytes_[1], bytes_[2], bytes_[3]); }

Ipv6 IpAddr::v6() const { return Ipv6{bytes_}; }

std::string IpAddr::to_string() const { return is_v4() ? v4().to_string() : v6().to_string(); }
bool IpAddr::is_unspecified() const { return is_v4() ? v4().is_unspecified() : v6().is_unspecified(); }
bool IpAddr::is_loopback() const { return is_v4() ? v4().is_loopback() : v6().is_loopback(); }
bool IpAddr::is_multicast() const { return is_v4() ? v4().is_multicast() : v6().is_multicast(); }

bool IpPrefix::contains(const IpAddr& ip) const {
  if (ip.family() != addr.family()) return false;
  auto a = addr.bytes(), b = ip.bytes();
  const std::size_t bits = std::min<std::size_t>(length, a.size() * 8);
  const std::size_t whole = bits / 8;
  for (std::size_t k = 0; k < whole; ++k)
    if (a[k] != b[k]) return false;
  if (const std::size_t rest = bits % 8) {
    auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    if ((a[whole] & mask) != (b[whole] & mask)) return false;
  }
  return true;
}

bool is_private_ipv4(const Ipv4& a) {
  const auto o = a.octets();
  return o[0] == 10 || (o[0] == 172 && (o[1] & 0xf0) == 16) || (o[0] == 192 && o[1] == 168);
}

bool is_shared_ipv4(const Ipv4& a) {
  const auto o = a.octets();
  return o[0] == 100 && (o[1] & 0xc0) == 64;
}

bool is_ula(const Ipv6& a) { return (a.bytes[0] & 0xfe) == 0xfc; }

bool is_non_public(const IpAddr& a) {
  if (a.is_loopback()) return true;
  if (a.is_v4()) {
    const auto v = a.v4();
    return is_private_ipv4(v) || is_shared_ipv4(v) || (v.value >> 16) == 0xa9fe;  // 169.254/16
  }
  const auto v = a.v6();
  if (v.is_v4_mapped()) return is_non_public(IpAddr(Ipv4::from_octets(v.bytes[12], v.bytes[13], v.bytes[14], v.bytes[15])));
  return is_ula(v) || v.is_link_local();
}

bool looks_numeric_ipv4(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  return true;
}

}  // namespace vpcprobe::wire
