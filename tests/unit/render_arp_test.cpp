#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "vpcprobe/diag/neighbor.hpp"
#include "vpcprobe/render/arp.hpp"

using namespace vpcprobe;

namespace {
model::ArpReport stale_report() {
  model::ArpReport r;
  r.target = *wire::IpAddr::parse("10.124.0.5");
  r.target_name = "10.124.0.5";
  r.interface = "vpc0";
  r.source_ip = *wire::IpAddr::parse("10.124.0.2");
  r.source_mac = *wire::Mac::parse("02:00:00:00:00:01");
  model::NeighEntry e;
  e.ip = r.target;
  e.mac = wire::Mac::parse("02:00:00:00:00:aa");
  e.state = model::nud::permanent;
  r.before = e;
  r.after = e;
  r.probe.rounds = 2;
  r.probe.broadcast_sent = 2;
  r.probe.unicast_sent = 2;
  auto answer = *wire::Mac::parse("02:00:00:00:00:bb");
  r.probe.replies.push_back({answer, answer, 0.25, 0, false, std::nullopt, std::nullopt});
  r.probe.replies.push_back({answer, answer, 0.75, 1, false, std::nullopt, std::nullopt});
  r.verdict = diag::arp_verdict(r);
  return r;
}
}  // namespace

TEST_CASE("text report names both MACs, the verdict and the fix") {
  auto text = render::arp_text(stale_report());
  CHECK(text.find("kernel cache before: 10.124.0.5 dev vpc0 lladdr 02:00:00:00:00:aa PERMANENT") != std::string::npos);
  CHECK(text.find("reply from 10.124.0.5 at 02:00:00:00:00:bb  0.250 ms  (broadcast)") != std::string::npos);
  CHECK(text.find("2 rounds (2 broadcast, 2 unicast requests), 2 replies, 2 rounds answered, 0% loss") != std::string::npos);
  CHECK(text.find("rtt min/avg/max = 0.250/0.500/0.750 ms") != std::string::npos);
  CHECK(text.find("FAIL: STALE NEIGHBOR ENTRY") != std::string::npos);
  CHECK(text.find("fix: ip neigh replace 10.124.0.5 lladdr 02:00:00:00:00:bb dev vpc0") != std::string::npos);
  CHECK(text.find("kernel cache after") == std::string::npos);  // unchanged entry is not repeated
}

TEST_CASE("JSON report carries cache before/after, replies, summary and verdict") {
  auto j = nlohmann::json::parse(render::arp_json(stale_report()));
  CHECK(j["schema"] == "vpcprobe.arp/1");
  CHECK(j["cache"]["before"]["mac"] == "02:00:00:00:00:aa");
  CHECK(j["cache"]["before"]["state"] == "PERMANENT");
  CHECK(j["cache"]["before"]["kernel_heals"] == false);
  CHECK(j["cache"]["changed"] == false);
  CHECK(j["replies"].size() == 2);
  CHECK(j["answering_macs"] == nlohmann::json::array({"02:00:00:00:00:bb"}));
  CHECK(j["summary"]["loss_percent"] == 0.0);
  CHECK(j["summary"]["rtt_ms"]["avg"] == 0.5);
  CHECK(j["verdict"]["status"] == "failing");
  CHECK(j["verdict"]["finding"] == "stale_entry");
  CHECK(j["verdict"]["fix"].get<std::string>().rfind("ip neigh replace", 0) == 0);
}

TEST_CASE("JSON with no cache entry and no replies has nulls, not missing keys") {
  model::ArpReport r;
  r.target = *wire::IpAddr::parse("10.124.0.9");
  r.interface = "vpc0";
  r.probe.rounds = 1;
  r.probe.broadcast_sent = 1;
  r.verdict = diag::arp_verdict(r);
  auto j = nlohmann::json::parse(render::arp_json(r));
  CHECK(j["cache"]["before"].is_null());
  CHECK(j["summary"]["rtt_ms"].is_null());
  CHECK(j["summary"]["loss_percent"] == 100.0);
  CHECK(j["verdict"]["finding"] == "silent");
}

TEST_CASE("a consistent answer says how long it listened for a second MAC, and only when it did") {
  auto r = stale_report();
  r.before->mac = wire::Mac::parse("02:00:00:00:00:bb");  // the cached MAC answers: consistent
  r.after = r.before;
  r.verdict = diag::arp_verdict(r);
  REQUIRE(r.verdict.finding == model::NeighFinding::consistent);
  auto j = nlohmann::json::parse(render::arp_json(r));
  CHECK(j["summary"]["listened_after_answer_ms"] == 0.0);
  auto details = j["verdict"]["details"].dump();
  CHECK(details.find("No second MAC") == std::string::npos);  // it listened its whole wait instead
  r.probe.listened_after_answer_ms = 4.0321;
  j = nlohmann::json::parse(render::arp_json(r));
  CHECK(j["summary"]["listened_after_answer_ms"] == 4.032);
  details = j["verdict"]["details"].dump();
  CHECK(details.find("No second MAC answered in the 4.0 ms listened after that (an IP conflict shows as two).") != std::string::npos);
}
