#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "vpcprobe/config/targets.hpp"
#include "vpcprobe/diag/check.hpp"
#include "vpcprobe/diag/verdict.hpp"
#include "vpcprobe/render/check.hpp"

using namespace vpcprobe;

TEST_CASE("targets file: a full example parses") {
  auto t = config::parse_targets(R"(
timeout = 0.5
port = 5432
[[target]]
name = "orders-db"
private = "db.vpc.internal"
public = "db.public.example:15432"
[[target]]
name = "cache_1"
private = "10.124.0.7:6379"
[[neigh]]
interface = "vpc0"
[[neigh]]
)");
  REQUIRE(t);
  CHECK(t->timeout == 0.5);
  CHECK(t->port == 5432);
  REQUIRE(t->targets.size() == 2);
  CHECK(t->targets[0].name == "orders-db");
  CHECK(t->targets[0].private_path.host == "db.vpc.internal");
  CHECK_FALSE(t->targets[0].private_path.port.has_value());
  CHECK(t->targets[0].public_path->port == 15432);
  CHECK(t->targets[1].private_path.port == 6379);
  REQUIRE(t->neigh.size() == 2);
  CHECK(t->neigh[0].interface == "vpc0");
  CHECK(t->neigh[1].interface.empty());
}

TEST_CASE("targets file: every mistake is one clear error") {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"bogus = 1\n[[target]]\nname='a'\nprivate='10.0.0.1'", "unknown key 'bogus'"},
      {"[[target]]\nname='a'\nprivat='10.0.0.1'", "unknown key 'privat'"},
      {"[[target]]\nname='a'", "'private' (HOST[:PORT]) is required"},
      {"[[target]]\nname='a b'\nprivate='10.0.0.1'", "name must be"},
      {"[[target]]\nprivate='10.0.0.1'", "name must be"},
      {"[[target]]\nname='a'\nprivate='10.0.0.1'\n[[target]]\nname='a'\nprivate='10.0.0.2'", "used twice"},
      {"[[target]]\nname='a'\nprivate='10.0.0.1:0'", "port"},
      {"[[target]]\nname='a'\nprivate='10.0.0.1:99999'", "port"},
      {"[[target]]\nname='a'\nprivate='999.0.0.1'", "not a valid IPv4 address"},
      {"[[target]]\nname='a'\nprivate='[fe80::1%eth0]:5432'", "link-local"},
      {"[[target]]\nname='a'\nprivate='fe80::1'", "link-local"},
      {"[[target]]\nname='a'\nprivate='10.0.0.1'\npublic=5", "'public' must be a string"},
      {"timeout = 0\n[[target]]\nname='a'\nprivate='10.0.0.1'", "timeout must be"},
      {"port = 70000\n[[target]]\nname='a'\nprivate='10.0.0.1'", "port 70000"},
      {"[[neigh]]\ninterface='averyveryverylongname'", "1-15 characters"},
      {"target = 'x'", "[[target]] tables"},
      {"", "nothing to check"},
      {"[[target]\nname='a'", "line 1"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto t = config::parse_targets(c.text);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == Errc::invalid_argument);
    CHECK(t.error().message.find(c.says) != std::string::npos);
  }
  std::string many;
  for (int i = 0; i <= 256; ++i) many += "[[target]]\nname='t" + std::to_string(i) + "'\nprivate='10.0.0.1'\n";
  auto t = config::parse_targets(many);
  REQUIRE_FALSE(t);
  CHECK(t.error().message.find("at most 256") != std::string::npos);
}

TEST_CASE("Nagios ranges follow the plugin guidelines") {
  struct Case {
    const char* range;
    double value;
    bool alerts;
  };
  const Case cases[] = {
      {"10", 5, false},   {"10", 11, true},    {"10", -1, true},    {"10:", 9, true},    {"10:", 1e9, false},
      {"~:10", -1e9, false}, {"~:10", 11, true}, {"10:20", 15, false}, {"10:20", 21, true}, {"10:20", 9, true},
      {"@10:20", 15, true}, {"@10:20", 21, false}, {"0.5", 0.6, true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.range);
    CAPTURE(c.value);
    auto r = model::parse_nagios_range(c.range);
    REQUIRE(r);
    CHECK(r->alerts(c.value) == c.alerts);
  }
  for (const char* bad : {"", "x", "20:10", "1:x", "@", "nan", "1e999"}) {
    CAPTURE(bad);
    CHECK_FALSE(model::parse_nagios_range(bad).has_value());
  }
}

TEST_CASE("aggregate status: failing > unknown > degraded > ok") {
  using model::Status;
  CHECK(model::aggregate_status({}) == Status::ok);
  CHECK(model::aggregate_status({Status::ok, Status::degraded}) == Status::degraded);
  CHECK(model::aggregate_status({Status::degraded, Status::unknown}) == Status::unknown);
  CHECK(model::aggregate_status({Status::unknown, Status::failing, Status::ok}) == Status::failing);
}

namespace {
model::CheckReport report() {
  model::CheckReport r;
  r.version = "0.1.0";
  r.deadline_s = 10;
  r.duration_ms = 1234;
  model::NamedDiagnosis t;
  t.name = "we\"ird\\name";
  auto& p = t.diagnosis.private_path;
  p.role = model::Path::private_;
  p.input = "10.124.0.5";
  p.port = 5432;
  p.target = model::TargetInfo{"10.124.0.5", *wire::IpAddr::parse("10.124.0.5"), false, 0, std::nullopt, ""};
  p.route = model::RouteInfo{model::RouteType::unicast, 3, std::nullopt, wire::IpAddr::parse("10.124.0.2"), 254};
  model::TcpResult tcp;
  tcp.port = 5432;
  tcp.state = model::TcpState::open;
  tcp.signal = model::TcpSignal::syn_ack;
  tcp.rtt_ms = 250;
  p.syns = {tcp};
  t.diagnosis.duration_ms = 300;
  diag::judge(t.diagnosis);
  r.targets.push_back(t);
  model::InterfaceAudit a;
  a.interface = "vpc0";
  a.finished = true;
  model::NeighAudit e;
  e.dev = "vpc0";
  e.before.ip = *wire::IpAddr::parse("10.124.0.9");
  e.before.state = model::nud::permanent;
  e.finding = model::NeighFinding::stale;
  a.report.entries.push_back(e);
  a.report.counts.stale = 1;
  a.report.status = model::Status::failing;
  r.audits.push_back(a);
  r.status = model::Status::failing;
  return r;
}
}  // namespace

TEST_CASE("Prometheus: every family has HELP and TYPE before its samples; labels escaped") {
  auto text = render::check_prometheus(report());
  CHECK(text.find("probe_success{target=\"we\\\"ird\\\\name\"} 1\n") != std::string::npos);
  CHECK(text.find("vpcprobe_rtt_seconds{target=\"we\\\"ird\\\\name\",path=\"private\",probe=\"tcp\"} 0.25\n") != std::string::npos);
  CHECK(text.find("vpcprobe_loss_ratio{target=\"we\\\"ird\\\\name\",path=\"private\",probe=\"tcp\"} 0\n") != std::string::npos);
  CHECK(text.find("probe=\"icmp\"") == std::string::npos);  // no echo was sent: no icmp loss sample
  CHECK(text.find("vpcprobe_neigh_findings{interface=\"vpc0\",class=\"stale\"} 1\n") != std::string::npos);
  CHECK(text.find("vpcprobe_neigh_entries{interface=\"vpc0\",state=\"PERMANENT\"} 1\n") != std::string::npos);
  CHECK(text.find("vpcprobe_check_status 2\n") != std::string::npos);
  // Walk the lines: a sample's family must be the one most recently declared.
  std::string declared;
  std::size_t pos = 0;
  int samples = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("# TYPE ", 0) == 0) {
      declared = line.substr(7, line.find(' ', 7) - 7);
      CHECK(line.substr(line.size() - 5) == "gauge");
    } else if (line.rfind("# HELP ", 0) != 0) {
      CAPTURE(line);
      auto name = line.substr(0, line.find_first_of("{ "));
      CHECK(name == declared);
      ++samples;
    }
  }
  CHECK(samples > 10);
}

TEST_CASE("Nagios line: state, summary, perfdata, thresholds") {
  auto r = report();
  r.thresholds = {model::parse_nagios_range("100"), model::parse_nagios_range("200")};
  diag::conclude_check(r);
  CHECK(r.status == model::Status::failing);
  REQUIRE(r.rtt_checks.size() == 1);
  CHECK(r.rtt_checks[0].status == model::Status::failing);
  auto line = render::check_nagios(r);
  CHECK(line.rfind("VPCPROBE CRITICAL - ", 0) == 0);
  CHECK(line.find("RTT 250.0 ms beyond 200") != std::string::npos);
  CHECK(line.find("'we\"ird\\name_rtt'=250.000ms;100;200;0;") != std::string::npos);
  CHECK(line.find("'neigh_vpc0_stale'=1;;;0;") != std::string::npos);
  CHECK(line.back() == '\n');
  CHECK(std::count(line.begin(), line.end(), '|') == 1);
  r.audits.clear();
  r.thresholds = {model::parse_nagios_range("300"), std::nullopt};
  diag::conclude_check(r);
  CHECK(r.status == model::Status::ok);
  CHECK(render::check_nagios(r).rfind("VPCPROBE OK - 1 targets and 0 audits ok |", 0) == 0);
  r.thresholds = {model::parse_nagios_range("100"), std::nullopt};
  diag::conclude_check(r);
  CHECK(r.status == model::Status::degraded);
  CHECK(render::check_nagios(r).rfind("VPCPROBE WARNING - ", 0) == 0);
}

TEST_CASE("machine formats carry errors as data") {
  using render::Format;
  auto j = nlohmann::json::parse(render::check_error(Format::json, "bad file"));
  CHECK(j["status"] == "unknown");
  CHECK(j["error"] == "bad file");
  CHECK(render::check_error(Format::prometheus, "x").find("vpcprobe_check_config_error 1") != std::string::npos);
  CHECK(render::check_error(Format::nagios, "a|b\nc") == "VPCPROBE UNKNOWN - a b c\n");
  CHECK(render::check_error(Format::text, "x").empty());
  // The renderer the runner picks says the same.
  auto r = render::make_renderer<model::CheckReport>(Format::jsonl, {});
  REQUIRE(r);
  CHECK(nlohmann::json::parse((*r)->error("bad file"))["error"] == "bad file");
}

TEST_CASE("Prometheus fleet view: one series per problem entry (stale, conflict, silent), healthy ones only counted, bounded") {
  auto r = report();
  auto& entries = r.audits.front().report.entries;
  entries.front().before.mac = wire::Mac::parse("02:de:ad:00:00:09");
  entries.front().answering = {*wire::Mac::parse("02:00:00:00:00:09")};
  model::NeighAudit healthy = entries.front();
  healthy.before.ip = *wire::IpAddr::parse("10.124.0.10");
  healthy.before.mac = wire::Mac::parse("02:00:00:00:00:10");
  healthy.answering = {*healthy.before.mac};
  healthy.finding = model::NeighFinding::consistent;
  entries.push_back(healthy);
  auto text = render::check_prometheus(r);
  CHECK(text.find("vpcprobe_neigh_problem{interface=\"vpc0\",ip=\"10.124.0.9\",class=\"stale\",cached_mac=\"02:de:ad:00:00:09\","
                  "answering_mac=\"02:00:00:00:00:09\"} 1\n") != std::string::npos);
  CHECK(text.find("ip=\"10.124.0.10\"") == std::string::npos);  // healthy: counted, not listed
  CHECK(text.find("vpcprobe_neigh_problems_omitted 0\n") != std::string::npos);
  // 250 stale entries: 200 listed, 50 counted as omitted
  entries.clear();
  for (int i = 0; i < 250; ++i) {
    model::NeighAudit e = healthy;
    e.before.ip = *wire::IpAddr::parse("10.124.1." + std::to_string(i % 250));
    e.finding = model::NeighFinding::stale;
    e.answering = {*wire::Mac::parse("02:00:00:00:00:99")};
    entries.push_back(e);
  }
  text = render::check_prometheus(r);
  std::size_t series = 0;
  for (std::size_t pos = 0; (pos = text.find("\nvpcprobe_neigh_problem{", pos)) != std::string::npos; ++pos) ++series;
  CHECK(series == 200);
  CHECK(text.find("vpcprobe_neigh_problems_omitted 50\n") != std::string::npos);
}
