// The neighbor audit's rules (diag/neigh_audit): what can be verified, what the answers mean,
// what --fix may do, and the status; plus what the text and JSON say of it (render/neigh).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "vpcprobe/diag/neigh_audit.hpp"
#include "vpcprobe/render/neigh.hpp"

using namespace vpcprobe;
using model::NeighClass;
using model::NeighFinding;
using model::Unverifiable;

namespace {
const wire::Mac kCached = *wire::Mac::parse("02:00:00:00:00:aa");
const wire::Mac kOther = *wire::Mac::parse("02:00:00:00:00:bb");
constexpr std::uint32_t kUp = model::iff::up | model::iff::broadcast | model::iff::lower_up;

model::LinkInfo ethernet(int ifindex = 3, std::uint32_t flags = kUp) {
  return model::LinkInfo{ifindex, "vpc0", flags, 1, 6, 1500, 1, *wire::Mac::parse("02:00:00:00:10:00")};
}

model::NeighAudit audit(const char* ip, std::optional<wire::Mac> mac, std::uint16_t state, std::uint8_t flags = 0) {
  model::NeighAudit a;
  a.dev = "vpc0";
  a.before = model::NeighEntry{3, *wire::IpAddr::parse(ip), mac, state, flags, 0, {}, {}};
  return a;
}

model::ArpProbeResult answered_by(std::vector<wire::Mac> macs, bool interrupted = false) {
  model::ArpProbeResult r;
  r.rounds = r.broadcast_sent = r.unicast_sent = 2;
  for (const auto& m : macs) r.replies.push_back({m, m, 0.1, 0, false, std::nullopt, std::nullopt});
  r.interrupted = interrupted;
  return r;
}
}  // namespace

TEST_CASE("unverifiable: NOARP, loopback, point-to-point, no ARP, no MAC, not unicast, IPv6") {
  using model::iff::loopback;
  using model::iff::noarp;
  using model::iff::pointopoint;
  auto a = audit("10.124.0.5", kCached, model::nud::reachable);
  CHECK_FALSE(diag::unverifiable(a.before, ethernet()).has_value());
  CHECK(diag::unverifiable(audit("10.124.0.5", kCached, model::nud::noarp).before, ethernet()) == Unverifiable::noarp_entry);
  CHECK(diag::unverifiable(a.before, ethernet(3, kUp | loopback)) == Unverifiable::loopback);
  CHECK(diag::unverifiable(a.before, ethernet(3, kUp | pointopoint)) == Unverifiable::point_to_point);
  CHECK(diag::unverifiable(a.before, ethernet(3, kUp | noarp)) == Unverifiable::link_without_arp);
  CHECK(diag::unverifiable(audit("10.124.0.5", std::nullopt, model::nud::failed).before, ethernet()) == Unverifiable::no_mac);
  CHECK(diag::unverifiable(audit("10.124.0.5", wire::Mac{}, model::nud::incomplete).before, ethernet()) == Unverifiable::no_mac);
  CHECK(diag::unverifiable(audit("224.0.0.1", kCached, model::nud::reachable).before, ethernet()) == Unverifiable::not_unicast);
  // IPv6 entries are verified with Neighbor Discovery; multicast ones are not neighbors.
  CHECK_FALSE(diag::unverifiable(audit("fd00::5", kCached, model::nud::reachable).before, ethernet()).has_value());
  CHECK_FALSE(diag::unverifiable(audit("fe80::1", kCached, model::nud::stale).before, ethernet()).has_value());
  CHECK(diag::unverifiable(audit("ff02::1:ff00:5", kCached, model::nud::reachable).before, ethernet()) == Unverifiable::not_unicast);
  CHECK(diag::unverifiable(audit("fd00::5", kCached, model::nud::noarp).before, ethernet()) == Unverifiable::noarp_entry);

  std::vector<model::NeighAudit> audits{a, audit("10.124.0.6", kCached, model::nud::reachable)};
  audits[1].before.ifindex = 9;  // its interface is not among those read
  diag::mark_unverifiable(audits, {ethernet()});
  CHECK_FALSE(audits[0].unverifiable.has_value());
  CHECK(audits[1].unverifiable == Unverifiable::interface_gone);
  CHECK(model::neigh_class(audits[1]) == NeighClass::not_verifiable);
  CHECK(render::unverifiable_words(audits[1]) == "interface gone");
}

TEST_CASE("classify: ok, stale, silent, conflict; cut short before any answer stays unchecked") {
  std::vector<model::NeighAudit> audits(5, audit("10.124.0.5", kCached, model::nud::reachable));
  audits[0].probe = answered_by({kCached});
  audits[1].probe = answered_by({kOther});
  audits[2].probe = answered_by({});
  audits[3].probe = answered_by({kCached, kOther});
  audits[4].probe = answered_by({}, /*interrupted=*/true);
  diag::classify(audits);
  CHECK(model::neigh_class(audits[0]) == NeighClass::ok);
  CHECK(model::neigh_class(audits[1]) == NeighClass::stale);
  CHECK(model::neigh_class(audits[2]) == NeighClass::silent);
  CHECK(model::neigh_class(audits[3]) == NeighClass::conflict);
  CHECK(model::neigh_class(audits[4]) == NeighClass::unchecked);
}

TEST_CASE("plan_fix, NDP: an answer without the Override flag (a proxy, anycast) replaces nothing") {
  auto stale6 = audit("fd00:7c::5", kCached, model::nud::stale);
  stale6.finding = NeighFinding::stale;
  stale6.answering = {kOther};
  model::ArpProbeResult p;
  p.rounds = p.broadcast_sent = 1;
  p.replies.push_back({kOther, kOther, 0.1, 0, false, std::nullopt, model::ArpReply::NdpFlags{false, true, false}});
  stale6.probe = p;
  CHECK_FALSE(diag::plan_fix(stale6, model::FixMode::replace, true).has_value());
  // The same MAC answering the multicast solicitation with Override set: the owner, replaced.
  p.replies.push_back({kOther, kOther, 0.1, 0, false, std::nullopt, model::ArpReply::NdpFlags{false, true, true}});
  stale6.probe = p;
  auto f = diag::plan_fix(stale6, model::FixMode::replace, false);
  REQUIRE(f);
  CHECK(f->new_mac == kOther);
  CHECK_FALSE(f->skipped);
}

TEST_CASE("plan_fix: kernel-managed entries are fixed; pinned ones only with --force, owner named") {
  auto managed = audit("10.124.1.203", kCached, model::nud::stale);
  auto pinned = audit("10.124.1.201", kCached, model::nud::permanent);
  auto cni = audit("10.124.1.202", kCached, model::nud::reachable, model::ntf::extern_learn);
  for (auto* a : {&managed, &pinned, &cni}) {
    a->finding = NeighFinding::stale;
    a->answering = {kOther};
  }
  auto f = diag::plan_fix(managed, model::FixMode::replace, false);
  REQUIRE(f);
  CHECK_FALSE(f->skipped);
  CHECK(f->new_mac == kOther);
  managed.fix = f;
  CHECK(render::neigh_fix_command(managed) == "ip neigh replace 10.124.1.203 lladdr 02:00:00:00:00:bb dev vpc0 nud reachable");
  CHECK(render::neigh_fix_note(managed).empty());

  pinned.fix = diag::plan_fix(pinned, model::FixMode::replace, false);
  REQUIRE(pinned.fix);
  CHECK(pinned.fix->skipped);
  CHECK(render::neigh_fix_note(pinned).find("PERMANENT entry, likely owned by an administrator") == 0);
  CHECK(render::neigh_fix_note(pinned).find("not touched without --force") != std::string::npos);

  cni.fix = diag::plan_fix(cni, model::FixMode::remove, true);
  REQUIRE(cni.fix);
  CHECK_FALSE(cni.fix->skipped);
  CHECK(cni.fix->forced);
  CHECK(render::neigh_fix_command(cni) == "ip neigh del 10.124.1.202 dev vpc0");
  CHECK(render::neigh_fix_note(cni).find("forced: REACHABLE extern_learn entry, likely owned by an external agent such as the CNI") == 0);

  auto ok = audit("10.124.0.5", kCached, model::nud::reachable);
  ok.finding = NeighFinding::consistent;
  ok.answering = {kCached};
  CHECK_FALSE(diag::plan_fix(ok, model::FixMode::replace, true).has_value());  // never touched
  auto conflict = managed;
  conflict.answering = {kCached, kOther};
  CHECK_FALSE(diag::plan_fix(conflict, model::FixMode::replace, true).has_value());  // which MAC? none
}

TEST_CASE("relearned: the kernel took our probe's answer; not when we fixed it ourselves") {
  auto a = audit("10.124.1.203", kCached, model::nud::stale);
  a.finding = NeighFinding::stale;
  a.answering = {kOther};
  a.after = a.before;
  a.after->mac = kOther;
  CHECK(diag::relearned_by_kernel(a));
  a.fix = model::NeighFix{};
  a.fix->applied = true;
  CHECK_FALSE(diag::relearned_by_kernel(a));
  a.fix.reset();
  a.after->mac = *wire::Mac::parse("02:00:00:00:00:cc");  // changed, but to nothing that answered
  CHECK_FALSE(diag::relearned_by_kernel(a));
}

TEST_CASE("counts and status: stale or conflict fail, silent degrades, fixed counts as fixed") {
  model::NeighReport r;
  for (auto f : {NeighFinding::consistent, NeighFinding::silent}) {
    auto a = audit("10.124.0.5", kCached, model::nud::reachable);
    a.finding = f;
    r.entries.push_back(a);
  }
  auto c = diag::count(r);
  CHECK(c.ok == 1);
  CHECK(c.silent == 1);
  CHECK(diag::neigh_status(c) == model::Status::degraded);
  auto stale = audit("10.124.0.6", kCached, model::nud::permanent);
  stale.finding = NeighFinding::stale;
  stale.fix = model::NeighFix{};
  stale.fix->skipped = true;
  r.entries.push_back(stale);
  c = diag::count(r);
  CHECK(c.stale == 1);
  CHECK(c.fix_skipped == 1);
  CHECK(diag::neigh_status(c) == model::Status::failing);
  r.entries.back().fix->skipped = false;
  r.entries.back().fix->applied = true;
  c = diag::count(r);
  CHECK(c.stale == 0);
  CHECK(c.fixed == 1);
  CHECK(diag::neigh_status(c) == model::Status::degraded);
}
