#include <doctest/doctest.h>

#include "vpcprobe/diag/neighbor.hpp"
#include "vpcprobe/render/arp.hpp"

using namespace vpcprobe;
using model::Status;
using ArpFinding = model::NeighFinding;

namespace {
const wire::Mac kOld = *wire::Mac::parse("02:00:00:00:00:aa");
const wire::Mac kNew = *wire::Mac::parse("02:00:00:00:00:bb");

model::ArpReport base() {
  model::ArpReport r;
  r.target = *wire::IpAddr::parse("10.124.0.5");
  r.interface = "vpc0";
  r.probe.rounds = 3;
  r.probe.broadcast_sent = 3;
  return r;
}

model::NeighEntry entry(wire::Mac mac, std::uint16_t state, std::uint8_t flags = 0) {
  model::NeighEntry e;
  e.ip = *wire::IpAddr::parse("10.124.0.5");
  e.ifindex = 3;
  e.mac = mac;
  e.state = state;
  e.flags = flags;
  return e;
}

void answer(model::ArpReport& r, wire::Mac mac, int rounds) {
  for (int i = 0; i < rounds; ++i) r.probe.replies.push_back({mac, mac, 0.1, i, false, std::nullopt, std::nullopt});
}

// The typed verdict, and what render/ says of it.
struct Judged {
  Status status;
  ArpFinding finding;
  bool kernel_heals;
  std::string headline;
  std::vector<std::string> details;
  std::optional<std::string> fix;
};
Judged judge(model::ArpReport r) {
  r.verdict = diag::arp_verdict(r);
  return {r.verdict.status, r.verdict.finding, r.verdict.kernel_heals, render::arp_headline(r), render::arp_details(r), render::arp_fix(r)};
}
}  // namespace

TEST_CASE("cached MAC answers: consistent, ok") {
  auto r = base();
  r.before = entry(kOld, model::nud::reachable);
  r.probe.unicast_sent = 3;
  answer(r, kOld, 3);
  auto v = judge(r);
  CHECK(v.status == Status::ok);
  CHECK(v.finding == ArpFinding::consistent);
  CHECK_FALSE(v.fix.has_value());
}

TEST_CASE("no entry and an answer: ok") {
  auto r = base();
  answer(r, kNew, 2);
  auto v = judge(r);
  CHECK(v.status == Status::ok);
  CHECK(v.details.size() == 2);  // the answer, and the lost round
}

TEST_CASE("PERMANENT entry with the old MAC while a new MAC answers: stale, will not heal") {
  auto r = base();
  r.before = entry(kOld, model::nud::permanent);
  r.probe.unicast_sent = 3;
  answer(r, kNew, 3);
  auto v = judge(r);
  CHECK(v.status == Status::failing);
  CHECK(v.finding == ArpFinding::stale);
  CHECK(v.headline == "STALE NEIGHBOR ENTRY");
  CHECK_FALSE(v.kernel_heals);
  REQUIRE(v.fix);
  CHECK(v.fix->find("ip neigh replace 10.124.0.5 lladdr 02:00:00:00:00:bb dev vpc0 nud reachable") == 0);
  CHECK(v.fix->find("ip neigh del 10.124.0.5 dev vpc0") != std::string::npos);
  bool names_both = false;
  for (auto& d : v.details)
    if (d.find("02:00:00:00:00:aa") != std::string::npos && d.find("02:00:00:00:00:bb") != std::string::npos) names_both = true;
  CHECK(names_both);
}

TEST_CASE("extern_learn entry: stale, owner named, warns it may come back") {
  auto r = base();
  r.before = entry(kOld, model::nud::reachable, model::ntf::extern_learn);
  answer(r, kNew, 1);
  auto v = judge(r);
  CHECK(v.finding == ArpFinding::stale);
  CHECK_FALSE(v.kernel_heals);
  bool owner = false, comes_back = false;
  for (auto& d : v.details) {
    owner |= d.find("CNI") != std::string::npos;
    comes_back |= d.find("put the old MAC back") != std::string::npos;
  }
  CHECK(owner);
  CHECK(comes_back);
}

TEST_CASE("kernel-managed STALE entry with a wrong MAC: stale but heals") {
  auto r = base();
  r.before = entry(kOld, model::nud::stale);
  answer(r, kNew, 1);
  auto v = judge(r);
  CHECK(v.status == Status::failing);
  CHECK(v.kernel_heals);
}

TEST_CASE("nobody answers: silent, failing; off-link targets say so") {
  auto r = base();
  r.before = entry(kOld, model::nud::permanent);
  auto v = judge(r);
  CHECK(v.status == Status::failing);
  CHECK(v.finding == ArpFinding::silent);
  r.route_gateway = wire::IpAddr::parse("10.124.0.1");
  v = judge(r);
  bool offlink = false;
  for (auto& d : v.details) offlink |= d.find("not on-link") != std::string::npos;
  CHECK(offlink);
}

TEST_CASE("two MACs answer: conflict") {
  auto r = base();
  answer(r, kOld, 1);
  answer(r, kNew, 1);
  auto v = judge(r);
  CHECK(v.status == Status::failing);
  CHECK(v.finding == ArpFinding::conflict);
}

TEST_CASE("FAILED entry without MAC and an answer: consistent") {
  auto r = base();
  auto e = entry(kOld, model::nud::failed);
  e.mac.reset();
  r.before = e;
  answer(r, kNew, 3);
  CHECK(judge(r).status == Status::ok);
}

TEST_CASE("an entry re-taught by our own probe is reported as changed, still failing") {
  auto r = base();
  r.before = entry(kOld, model::nud::reachable, model::ntf::extern_learn);
  r.after = entry(kNew, model::nud::reachable, model::ntf::extern_learn);
  answer(r, kNew, 1);
  auto v = judge(r);
  CHECK(v.status == Status::failing);
  bool changed = false;
  for (auto& d : v.details) changed |= d.find("changed to 02:00:00:00:00:bb") != std::string::npos;
  CHECK(changed);
}
