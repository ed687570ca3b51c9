// Golden outputs of the diagnose and neigh renderers: a report built in memory, rendered, and
// compared byte for byte with tests/data/*.txt. A change to the words shows up here as a diff to
// review; VPCPROBE_UPDATE_GOLDEN=1 rewrites the files after such a review.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vpcprobe/diag/neigh_audit.hpp"
#include "vpcprobe/diag/verdict.hpp"
#include "vpcprobe/render/diagnose.hpp"
#include "vpcprobe/render/neigh.hpp"

using namespace vpcprobe;

namespace {

std::string golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(VPCPROBE_TEST_DATA) + "/" + name;
  if (const char* update = std::getenv("VPCPROBE_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    return actual;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

wire::IpAddr ip(const char* s) { return *wire::IpAddr::parse(s); }
wire::Mac mac(const char* s) { return *wire::Mac::parse(s); }
constexpr std::uint32_t kUp = model::iff::up | model::iff::broadcast | model::iff::lower_up;

model::PathResult path(model::Path role, const char* name, const char* addr, const char* gw, int ifindex, const char* dev) {
  model::PathResult p;
  p.role = role;
  p.endpoint = *model::parse_endpoint(name);
  p.input = name;
  p.port = 5432;
  p.target = model::TargetInfo{name, ip(addr), true, 0.2, std::nullopt, ""};
  p.route = model::RouteInfo{model::RouteType::unicast, ifindex, gw ? std::optional(ip(gw)) : std::nullopt,
                             ip(role == model::Path::private_ ? "10.124.0.2" : "192.0.2.2"), 254};
  p.link = model::LinkInfo{ifindex, dev, kUp, 1, 6, 1500, 1, mac("02:00:00:00:10:00")};
  p.next_hop = gw ? ip(gw) : ip(addr);
  return p;
}

// The incident: db's VPC NIC was replaced, the node keeps a PERMANENT entry for the old MAC.
model::Diagnosis incident() {
  model::Diagnosis d;
  d.timeout_s = 1;
  d.duration_ms = 1001;
  auto& priv = d.private_path = path(model::Path::private_, "db.vpc.internal", "10.124.0.5", nullptr, 3, "vpc0");
  priv.neigh_before = priv.neigh_after =
      model::NeighEntry{3, ip("10.124.0.5"), mac("6a:19:d6:c3:1c:01"), model::nud::permanent, 0, 0, {}, {}};
  model::ArpProbeResult arp;
  arp.rounds = arp.broadcast_sent = arp.unicast_sent = 2;
  arp.replies = {{mac("5e:4a:a0:4a:fc:90"), mac("5e:4a:a0:4a:fc:90"), 0.03, 0, false, std::nullopt, std::nullopt},
                 {mac("5e:4a:a0:4a:fc:90"), mac("5e:4a:a0:4a:fc:90"), 0.02, 1, false, std::nullopt, std::nullopt}};
  priv.arp = arp;
  for (int i = 1; i <= 5; ++i) {
    priv.echoes.push_back(model::EchoResult{i, model::EchoOutcome::timeout, 0, std::nullopt, 0, std::nullopt, std::nullopt});
    priv.syns.push_back(model::TcpResult{5432, i, model::TcpState::filtered, model::TcpSignal::no_answer, 0, std::nullopt, 0, 0});
  }
  priv.echo_method = model::ProbeMethod::raw;
  priv.tcp_method = model::ProbeMethod::raw;
  for (std::uint32_t s : {1500u, 1400u, 1280u}) priv.mtu_probes.push_back({s, false, std::nullopt});

  auto& pub = d.public_path.emplace(path(model::Path::public_, "db.public.example", "198.51.100.10", "192.0.2.1", 4, "pub0"));
  pub.target->resolve_ms = 0.04;
  pub.neigh_before = pub.neigh_after = model::NeighEntry{4, ip("192.0.2.1"), mac("9e:7e:62:8f:8c:a9"), model::nud::reachable, 0, 0, {}, {}};
  model::ArpProbeResult gw;
  gw.rounds = gw.broadcast_sent = gw.unicast_sent = 1;
  gw.replies = {{mac("9e:7e:62:8f:8c:a9"), mac("9e:7e:62:8f:8c:a9"), 0.01, 0, true, std::nullopt, std::nullopt}};
  pub.arp = gw;
  for (int i = 1; i <= 5; ++i) {
    const double rtt = 0.02 + 0.01 * (i % 3);  // 0.03 0.04 0.02 0.03 0.04: the median is 0.03
    pub.echoes.push_back(model::EchoResult{i, model::EchoOutcome::reply, rtt, 63, 64, std::nullopt, std::nullopt});
    pub.syns.push_back(model::TcpResult{5432, i, model::TcpState::open, model::TcpSignal::syn_ack, rtt, std::nullopt, 0, 0});
  }
  pub.echo_method = model::ProbeMethod::raw;
  pub.tcp_method = model::ProbeMethod::raw;
  for (std::uint32_t s : {1500u, 1400u, 1280u}) pub.mtu_probes.push_back({s, true, std::nullopt});
  // the application: never asked on the private path (no SYN found the port open); PostgreSQL
  // answers the public one
  d.private_path.app.protocol = pub.app.protocol = model::AppProtocol::postgres;
  d.private_path.app_not_run = model::NotRun{model::Cause::below_failure, {}};
  model::AppResult pg;
  pg.protocol = model::AppProtocol::postgres;
  pg.outcome = model::AppOutcome::answered;
  pg.spoke = model::Spoken::postgres;
  pg.answer = "N";
  pg.connect_ms = 0.04;
  pg.first_byte_ms = 0.31;
  pg.total_ms = 0.4;
  pg.bytes_sent = 8;
  pg.bytes_received = 1;
  pg.first_bytes = {'N'};
  pub.app_result = pg;
  diag::judge(d);
  return d;
}

model::NeighReport audited() {
  model::NeighReport r;
  auto entry = [](const char* a, const char* m, std::uint16_t state, std::uint8_t flags = 0) {
    model::NeighAudit au;
    au.dev = "vpc0";
    au.before = model::NeighEntry{3, ip(a), m ? std::optional(mac(m)) : std::nullopt, state, flags, 0, {}, {}};
    return au;
  };
  auto answers = [](std::vector<wire::Mac> macs) {
    model::ArpProbeResult p;
    p.rounds = p.broadcast_sent = p.unicast_sent = 2;
    for (const auto& m : macs) p.replies.push_back({m, m, 0.1, 0, false, std::nullopt, std::nullopt});
    return p;
  };
  const auto crowd = mac("02:00:00:00:0c:01"), dup = mac("02:00:00:00:0d:01");
  r.entries = {entry("10.124.1.1", "02:00:00:00:0c:01", model::nud::reachable),
               entry("10.124.1.201", "02:de:ad:00:02:01", model::nud::permanent),
               entry("10.124.1.202", "02:de:ad:00:02:02", model::nud::reachable, model::ntf::extern_learn),
               entry("10.124.1.203", "02:de:ad:00:02:03", model::nud::stale),
               entry("10.124.2.1", "02:de:ad:00:03:01", model::nud::stale),
               entry("10.124.1.250", "02:00:00:00:0c:01", model::nud::reachable),
               entry("10.124.3.1", "02:de:ad:00:04:01", model::nud::noarp),
               entry("10.124.9.9", nullptr, model::nud::failed)};
  model::LinkInfo link{3, "vpc0", kUp, 1, 6, 1500, 1, mac("02:00:00:00:10:00")};
  diag::mark_unverifiable(r.entries, {link});
  r.entries[0].probe = answers({crowd});
  r.entries[1].probe = r.entries[2].probe = r.entries[3].probe = answers({crowd});
  r.entries[4].probe = answers({});
  r.entries[5].probe = answers({crowd, dup});
  for (auto& a : r.entries)
    if (a.probe) a.answering = a.probe->answering_macs();
  diag::classify(r.entries);
  diag::plan_fixes(r.entries, model::FixMode::replace, false);
  r.entries[3].fix->applied = true;  // the kernel-managed one was fixed; the pinned ones were left alone
  r.entries[3].after = r.entries[3].before;
  r.entries[3].after->mac = crowd;
  r.entries[3].after->state = model::nud::reachable;
  r.verified = true;
  r.counts = diag::count(r);
  r.status = diag::neigh_status(r.counts);
  r.duration_ms = 27;
  return r;
}

}  // namespace

TEST_CASE("golden: diagnose text of the incident") {
  const auto text = render::diagnose_text(incident(), false);
  CHECK(text == golden("diagnose_incident.txt", text));
}

TEST_CASE("golden: diagnose text in colour marks cells and verdict, nothing else changes") {
  const auto plain = render::diagnose_text(incident(), false);
  auto colour = render::diagnose_text(incident(), true);
  CHECK(colour.find("\033[31;1m✗\033[0m") != std::string::npos);
  CHECK(colour.find("\033[32m✓\033[0m") != std::string::npos);
  // Without the escape sequences it is the plain text.
  std::string stripped;
  for (std::size_t i = 0; i < colour.size(); ++i) {
    if (colour[i] == '\033') {
      while (i < colour.size() && colour[i] != 'm') ++i;
      continue;
    }
    stripped += colour[i];
  }
  CHECK(stripped == plain);
}

TEST_CASE("diagnose JSON carries the same words as the text, and the typed cause") {
  auto d = incident();
  auto j = nlohmann::json::parse(render::diagnose_json(d));
  CHECK(j["schema"] == "vpcprobe.diagnose/1");
  CHECK(j["verdict"]["status"] == "failing");
  CHECK(j["verdict"]["layer"] == "neighbor");
  CHECK(j["verdict"]["path"] == "private");
  CHECK(j["verdict"]["summary"] == render::verdict_summary(d));
  CHECK(j["verdict"]["fix"] == *render::fix_text(d));
  CHECK(j["paths"]["private"]["layers"]["neighbor"]["summary"] == "STALE entry");
  CHECK(j["paths"]["public"]["layers"]["transport"]["check"] == "pass");
  CHECK(j["paths"]["public"]["layers"]["application"]["check"] == "pass");
  CHECK(j["paths"]["public"]["layers"]["application"]["summary"] == "PostgreSQL (SSLRequest: N) 0.3 ms");
  CHECK(j["paths"]["public"]["details"]["application"]["answer"] == "N");
  CHECK(j["paths"]["public"]["details"]["application"]["spoke"] == "PostgreSQL");
  CHECK(j["paths"]["public"]["details"]["application"]["first_byte_ms"] == 0.31);
  CHECK(j["paths"]["private"]["layers"]["application"]["check"] == "skipped");
  CHECK(j["paths"]["private"]["layers"]["application"]["summary"] == "port not open");
  CHECK(j["not_tested"].empty());
  d.private_path.arp.reset();
  d.private_path.arp_not_run = model::NotRun{model::Cause::no_privilege, "CAP_NET_RAW"};
  diag::judge(d);
  j = nlohmann::json::parse(render::diagnose_json(d));
  CHECK(j["verdict"]["status"] == "unknown");
  CHECK(j["paths"]["private"]["layers"]["neighbor"]["not_run"]["cause"] == "no_privilege");
  CHECK(j["not_tested"][0]["cause"] == "no_privilege");
  CHECK(j["not_tested"][0]["reason"].get<std::string>().find("needs CAP_NET_RAW") != std::string::npos);
}

TEST_CASE("golden: neigh text of a verified table with fixes") {
  const auto text = render::neigh_text(audited());
  CHECK(text == golden("neigh_verified.txt", text));
}

TEST_CASE("neigh JSON: classes, reasons, fixes; an interface name that is not UTF-8 cannot break it") {
  auto r = audited();
  r.entries[0].dev = "vpc\xff\xfe";  // Linux allows any byte but '/' and NUL in a name
  std::string out;
  REQUIRE_NOTHROW(out = render::neigh_json(r, false));
  auto j = nlohmann::json::parse(out);
  CHECK(j["entries"][0]["dev"] == "vpc\xef\xbf\xbd\xef\xbf\xbd");  // U+FFFD twice
  CHECK(j["entries"][1]["class"] == "stale");
  CHECK(j["entries"][1]["fix"]["skipped"] == true);
  CHECK(j["entries"][3]["fix"]["applied"] == true);
  CHECK(j["entries"][6]["class"] == "not_verifiable");
  CHECK(j["entries"][6]["reason"] == "NOARP entry (no ARP on this address)");
  CHECK(j["summary"]["fixed"] == 1);
  CHECK(j["status"] == "failing");
  // compact: one line, for JSON Lines
  auto line = render::neigh_json(r, true);
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
}
