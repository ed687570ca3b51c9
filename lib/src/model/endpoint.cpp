#include "vpcprobe/model/endpoint.hpp"

#include <fmt/format.h>

namespace vpcprobe::model {

namespace {

Error bad(std::string message) { return Error{Errc::invalid_argument, std::move(message)}; }

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// An interface name as the kernel allows it (the zone of fe80::1%vpc0).
bool valid_zone(std::string_view z) {
  if (z.empty() || z.size() > 15) return false;
  for (char c : z)
    if (c == '/' || c == ':' || c == '%' || c == ']' || static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return false;
  return true;
}

// An IPv6 literal with an optional %zone.
Result<Endpoint> ipv6_host(std::string_view text, std::string_view typed) {
  Endpoint e;
  std::string_view addr = text;
  if (auto pct = text.find('%'); pct != std::string_view::npos) {
    addr = text.substr(0, pct);
    e.zone = std::string(text.substr(pct + 1));
    if (!valid_zone(e.zone)) return std::unexpected(bad(fmt::format("'{}': '{}' is not an interface name", typed, e.zone)));
  }
  auto a = wire::Ipv6::parse(addr);
  if (!a) return std::unexpected(bad(fmt::format("'{}' is not a valid IPv6 address", addr)));
  if (!e.zone.empty() && !a->is_link_local() && !a->is_multicast())
    return std::unexpected(bad(fmt::format("'{}': a zone (%{}) belongs only to a link-local address", typed, e.zone)));
  e.host = std::string(addr);
  e.literal = wire::IpAddr(*a);
  return e;
}

}  // namespace

Result<void> check_host_syntax(std::string_view text) {
  if (text.empty()) return std::unexpected(bad("empty host name"));
  if (text.size() > 253) return std::unexpected(bad(fmt::format("host name is {} characters; DNS allows 253", text.size())));
  if (text.find(':') != std::string_view::npos) {
    if (!wire::Ipv6::parse(text)) return std::unexpected(bad(fmt::format("'{}' is not a valid IPv6 address", text)));
    return {};
  }
  if (wire::looks_numeric_ipv4(text)) {
    if (!wire::Ipv4::parse(text)) return std::unexpected(bad(fmt::format("'{}' is not a valid IPv4 address", text)));
    return {};
  }
  std::size_t label = 0;
  for (char c : text) {
    if (!name_char(c))
      return std::unexpected(bad(fmt::format("host name contains '{}'; only letters, digits, '-', '_' and '.' are allowed "
                                             "(IDN names: give the xn-- form)", c)));
    label = (c == '.') ? 0 : label + 1;
    if (label > 63) return std::unexpected(bad("a label of the host name is longer than 63 characters"));
  }
  return {};
}

Result<std::uint16_t> parse_port(std::string_view text) {
  long v = 0;
  if (text.empty() || text.size() > 5) return std::unexpected(bad(fmt::format("'{}' is not a port (1-65535)", text)));
  for (char c : text) {
    if (c < '0' || c > '9') return std::unexpected(bad(fmt::format("'{}' is not a port (1-65535)", text)));
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 65535) return std::unexpected(bad(fmt::format("'{}' is not a port (1-65535)", text)));
  return static_cast<std::uint16_t>(v);
}

Result<std::vector<std::uint16_t>> parse_ports(std::string_view text, std::size_t max) {
  auto list_error = [&] {
    return std::unexpected(bad(fmt::format("'{}' is not a port list (1-65535, e.g. 5432 or 80,443 or 8000-8010)", text)));
  };
  std::vector<std::uint16_t> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    auto dash = item.find('-');
    auto lo = parse_port(item.substr(0, dash));
    auto hi = dash == std::string_view::npos ? lo : parse_port(item.substr(dash + 1));
    if (!lo || !hi || *hi < *lo) return list_error();
    for (long p = *lo; p <= *hi; ++p) {
      if (out.size() >= max) return std::unexpected(bad(fmt::format("at most {} ports at once", max)));
      out.push_back(static_cast<std::uint16_t>(p));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.empty()) return list_error();
  return out;
}

Result<Endpoint> parse_endpoint(std::string_view text) {
  if (text.empty()) return std::unexpected(bad("empty target"));
  if (text.front() == '[') {  // [v6] or [v6]:port
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::unexpected(bad(fmt::format("'{}': '[' without ']'", text)));
    auto e = ipv6_host(text.substr(1, close - 1), text);
    if (!e) return e;
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::unexpected(bad(fmt::format("'{}': expected ':PORT' after ']'", text)));
      auto port = parse_port(rest.substr(1));
      if (!port) return std::unexpected(port.error());
      e->port = *port;
    }
    return e;
  }
  const auto first = text.find(':');
  if (first != std::string_view::npos && text.find(':', first + 1) != std::string_view::npos) {
    // More than one colon: an IPv6 literal without brackets, which cannot carry a port.
    auto e = ipv6_host(text, text);
    if (!e) return std::unexpected(bad(fmt::format("{} (an IPv6 address with a port is written [ADDRESS]:PORT)", e.error().message)));
    return e;
  }
  Endpoint e;
  e.host = std::string(text.substr(0, first));
  if (first != std::string_view::npos) {
    auto port = parse_port(text.substr(first + 1));
    if (!port) return std::unexpected(port.error());
    e.port = *port;
  }
  if (auto ok = check_host_syntax(e.host); !ok) return std::unexpected(ok.error());
  if (auto a = wire::IpAddr::parse(e.host)) e.literal = *a;
  return e;
}

Result<void> check_family(const Endpoint& e, FamilyPolicy families) {
  if (!e.literal) return {};
  if (e.literal->is_v6() && !families.v6) return std::unexpected(bad(fmt::format("'{}' is IPv6, but -4 (IPv4 only) was asked for", e.host)));
  if (e.literal->is_v4() && !families.v4) return std::unexpected(bad(fmt::format("'{}' is IPv4, but -6 (IPv6 only) was asked for", e.host)));
  if (e.literal->is_v6() && e.literal->v6().is_v4_mapped())
    return std::unexpected(bad(fmt::format("'{}' is an IPv4-mapped IPv6 address: give the IPv4 address itself", e.host)));
  if (e.literal->is_v6() && e.literal->v6().is_link_local() && e.zone.empty())
    return std::unexpected(bad(fmt::format("'{}' is link-local: name its interface as {}%IFACE", e.host, e.host)));
  return {};
}

FamilyPolicy families_for(const Endpoint& e, FamilyPolicy families) {
  if (e.literal) return FamilyPolicy::only(e.literal->family());
  return families;
}

std::string Endpoint::text() const {
  std::string h = zone.empty() ? host : host + "%" + zone;
  const bool v6 = literal && literal->is_v6();
  if (!port) return h;
  return v6 ? fmt::format("[{}]:{}", h, *port) : fmt::format("{}:{}", h, *port);
}

}  // namespace vpcprobe::model
