#pragma once
// What the user typed as a target, parsed once at the edge: every command and the targets file
// use this one parser. Pure: no name is resolved here.
//
//   db.vpc.internal            a name
//   db.vpc.internal:5432       a name and a port
//   10.124.0.5[:5432]          an IPv4 literal (and a port)
//   fd00:7c::5                 an IPv6 literal (no port: the colons are the address's)
//   [fd00:7c::5]:5432          an IPv6 literal and a port
//   fe80::1%vpc0, [fe80::1%vpc0]:22   a link-local literal with its zone (interface)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::model {

struct Endpoint {
  std::string host;                      // the name or address as typed, without brackets, zone or port
  std::optional<std::uint16_t> port;
  std::optional<wire::IpAddr> literal;   // set when host is an address, not a name
  std::string zone;                      // the %zone of a link-local IPv6 literal

  bool is_name() const { return !literal.has_value(); }
  std::string text() const;              // back to the canonical typed form, e.g. "[fd00::5]:5432"
};

// Which address families a run speaks: both by default, one with -4 or -6. Every command checks
// what was typed against it (check_family) before anything is opened, and the resolver asks only
// for these families (IPv4 first when a name has both).
struct FamilyPolicy {
  bool v4 = true;
  bool v6 = true;
  static FamilyPolicy only(wire::Family f) { return {f == wire::Family::v4, f == wire::Family::v6}; }
  bool speaks(wire::Family f) const { return f == wire::Family::v4 ? v4 : v6; }
};
// The families whose sockets a run must open for this target: a literal's own, else the policy's.
FamilyPolicy families_for(const Endpoint& e, FamilyPolicy families);
// A literal of a family this run does not speak is bad input (Errc::invalid_argument, exit 3).
Result<void> check_family(const Endpoint& e, FamilyPolicy families = {});

// Invalid input (a malformed address, a port out of range, a name no resolver could accept) is
// Errc::invalid_argument with one line that says what is wrong.
Result<Endpoint> parse_endpoint(std::string_view text);

// A name or a literal address without port: the syntax DNS and the address parsers accept.
Result<void> check_host_syntax(std::string_view host);

// One port, 1..65535.
Result<std::uint16_t> parse_port(std::string_view text);
// "5432", "80,443", "8000-8010", at most `max` ports in all.
Result<std::vector<std::uint16_t>> parse_ports(std::string_view text, std::size_t max = 1024);

}  // namespace vpcprobe::model
