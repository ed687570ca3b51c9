// IPv6 in the renderers: ICMPv6 errors in ICMPv6's own words, ping's IPv6 header, `arp` speaking
// NDP (its words, flags and JSON), and the neighbor table's column for long addresses.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "vpcprobe/diag/neighbor.hpp"
#include "vpcprobe/render/arp.hpp"
#include "vpcprobe/render/neigh.hpp"
#include "vpcprobe/render/probes.hpp"
#include "vpcprobe/render/words.hpp"

using namespace vpcprobe;

namespace {
wire::IpAddr ip(const char* text) { return *wire::IpAddr::parse(text); }
model::IcmpErrorInfo err6(std::uint8_t type, std::uint8_t code, std::uint16_t mtu = 0) {
  return model::IcmpErrorInfo{type, code, mtu, ip("fd00:7c::1")};
}
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

model::ArpReport ndp_report(bool stale, bool router_flag) {
  model::ArpReport r;
  r.target = ip("fd00:7c::5");
  r.target_name = "fd00:7c::5";
  r.interface = "vpc0";
  r.source_ip = ip("fd00:7c::2");
  r.source_mac = *wire::Mac::parse("02:00:00:00:00:01");
  model::NeighEntry e;
  e.ip = r.target;
  e.mac = wire::Mac::parse("02:00:00:00:00:aa");
  e.state = stale ? model::nud::permanent : model::nud::reachable;
  e.flags = model::ntf::router;  // the kernel believes it is a router
  r.before = e;
  r.after = e;
  r.probe.rounds = 2;
  r.probe.broadcast_sent = 2;
  r.probe.unicast_sent = stale ? 2 : 0;
  const auto answer = stale ? *wire::Mac::parse("02:00:00:00:00:bb") : *e.mac;
  const model::ArpReply::NdpFlags flags{router_flag, true, true};
  r.probe.replies.push_back({answer, answer, 0.25, 0, false, std::nullopt, flags});
  r.probe.replies.push_back({answer, answer, 0.75, 1, false, std::nullopt, flags});
  r.verdict = diag::arp_verdict(r);
  return r;
}
}  // namespace

TEST_CASE("ICMPv6 errors in ICMPv6's words, told from ICMP by the sender's family") {
  CHECK(render::icmp_meaning(err6(1, 0)) == "no route to destination");
  CHECK(render::icmp_meaning(err6(1, 1)) == "communication administratively prohibited");
  CHECK(render::icmp_meaning(err6(1, 2)) == "beyond scope of source address");
  CHECK(render::icmp_meaning(err6(1, 3)) == "address unreachable");
  CHECK(render::icmp_meaning(err6(1, 4)) == "port unreachable");
  CHECK(render::icmp_meaning(err6(1, 6)) == "reject route to destination");
  CHECK(render::icmp_meaning(err6(2, 0, 1400)) == "packet too big (MTU 1400)");
  CHECK(render::icmp_meaning(err6(3, 0)) == "hop limit exceeded in transit");
  CHECK(render::icmp_meaning(err6(4, 1)) == "parameter problem (unrecognized next header)");
  CHECK(render::icmp_meaning(err6(1, 99)) == "ICMPv6 type 1 code 99");
  // The same numbers from an IPv4 router mean something else: type 3 code 1 is host unreachable.
  CHECK(render::icmp_meaning(model::IcmpErrorInfo{3, 1, 0, ip("10.124.0.1")}) == "host unreachable");
  CHECK(render::icmp_error_text(err6(1, 3)) == "address unreachable (ICMPv6 type 1 code 3) from fd00:7c::1");
}

TEST_CASE("ping over IPv6: data bytes as iputils shows them, the family chosen and the other one named") {
  model::PingReport r;
  r.target = {"db.vpc.internal", ip("fd00:7c::5"), true, 0.5, ip("10.124.0.5"), ""};
  r.payload_size = 56;
  const auto header = render::ping_header(r);
  CHECK(contains(header, "PING db.vpc.internal (fd00:7c::5, resolved in 0.5 ms; IPv6, also IPv4 10.124.0.5: -4) 56 data bytes"));
  r.target = {"fe80::1", ip("fe80::1"), false, 0, std::nullopt, "vpc0"};
  CHECK(contains(render::ping_header(r), "PING fe80::1%vpc0 56 data bytes"));
  model::EchoResult e;
  e.seq = 1;
  e.outcome = model::EchoOutcome::icmp_error;
  e.error = err6(1, 3);
  CHECK(render::ping_line(r, e) == "From fd00:7c::1 icmp_seq=1 address unreachable (ICMPv6 type 1 code 3)\n");
  // IPv4 keeps its old header.
  r.target = {"10.124.0.5", ip("10.124.0.5"), false, 0, std::nullopt, ""};
  CHECK(contains(render::ping_header(r), "PING 10.124.0.5 56(84) bytes of data"));
}

TEST_CASE("arp over IPv6 speaks NDP: its words, the flags, the stale finding and its fix") {
  auto r = ndp_report(true, true);
  REQUIRE(r.verdict.finding == model::NeighFinding::stale);
  const auto text = render::arp_text(r);
  CHECK(contains(text, "NDP fd00:7c::5 on vpc0 from fd00:7c::2"));
  CHECK(contains(text, "reply from fd00:7c::5 at 02:00:00:00:00:bb  0.250 ms  (multicast)  flags RSO"));
  CHECK(contains(text, "--- fd00:7c::5 ndp statistics ---"));
  CHECK(contains(text, "2 rounds (2 multicast, 2 unicast solicitations)"));
  CHECK(contains(text, "02:00:00:00:00:aa stayed silent to 2 unicast solicitations."));
  CHECK(contains(text, "fix: ip neigh replace fd00:7c::5 lladdr 02:00:00:00:00:bb dev vpc0"));
  CHECK_FALSE(contains(text, "ARP"));
  const auto j = nlohmann::json::parse(render::arp_json(r));
  CHECK(j["family"] == "ipv6");
  CHECK(j["protocol"] == "ndp");
  CHECK(j["replies"][0]["request"] == "multicast");
  CHECK(j["replies"][0]["ndp_flags"]["router"] == true);
  CHECK(j["replies"][0]["ndp_flags"]["override"] == true);
  CHECK(j["schema"] == "vpcprobe.arp/1");
}

TEST_CASE("arp over IPv6: silence is NO NEIGHBOR ADVERTISEMENT; a cleared Router flag is named") {
  auto silent = ndp_report(false, false);
  silent.probe.replies.clear();
  silent.verdict = diag::arp_verdict(silent);
  const auto text = render::arp_text(silent);
  CHECK(contains(text, "FAIL: NO NEIGHBOR ADVERTISEMENT"));
  CHECK(contains(text, "Nobody answered the Neighbor Solicitations for fd00:7c::5 on vpc0 (2 multicast)."));
  // The cached entry says router; the answer clears R: the neighbor stopped routing.
  const auto mismatch = render::arp_text(ndp_report(false, false));
  CHECK(contains(mismatch, "Router flag mismatch: the kernel marks fd00:7c::5 as a router"));
  CHECK_FALSE(contains(render::arp_text(ndp_report(false, true)), "Router flag mismatch"));
}

TEST_CASE("the neighbor table's IP column grows for IPv6 addresses, so the columns stay aligned") {
  model::NeighReport r;
  model::NeighAudit a;
  a.dev = "vpc0";
  a.before = model::NeighEntry{3, ip("fe80::fcd2:50ff:fede:8059"), wire::Mac::parse("02:00:00:00:00:aa"), model::nud::reachable, 0, 0, {}, {}};
  model::NeighAudit b = a;
  b.before.ip = ip("10.124.0.5");
  r.entries = {a, b};
  const auto text = render::neigh_text(r);
  const auto first = text.find("fe80::fcd2:50ff:fede:8059 02:00:00:00:00:aa");
  const auto second = text.find("10.124.0.5                02:00:00:00:00:aa");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
}
