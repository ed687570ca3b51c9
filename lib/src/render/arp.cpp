#include "vpcprobe/render/arp.hpp"

#include <fmt/format.h>

#include <vector>

#include "json_util.hpp"

namespace vpcprobe::render {

namespace {

std::string entry_line(const model::NeighEntry& e, const std::string& dev) {
  std::string s = fmt::format("{} dev {} lladdr {} {}", e.ip.to_string(), dev,
                              e.mac ? e.mac->to_string() : std::string("-"), model::neigh_state_name(e.state));
  for (auto& f : model::neigh_flag_names(e)) s += " " + f;
  return s;
}

std::vector<double> rtts_of(const model::ArpProbeResult& p) {
  std::vector<double> out;
  for (auto& r : p.replies) out.push_back(r.rtt_ms);
  return out;
}

}  // namespace

std::string arp_text(const model::ArpReport& r) {
  std::string out;
  const auto& p = r.probe;
  out += fmt::format("ARP {} on {} from {} {}\n", r.target.to_string(), r.interface, r.source_ip.to_string(),
                     r.source_mac.to_string());
  out += fmt::format("kernel cache before: {}\n", r.before ? entry_line(*r.before, r.interface) : std::string("no entry"));
  for (auto& rep : p.replies) {
    out += fmt::format("reply from {} at {}  {:.3f} ms  ({})", r.target.to_string(), rep.mac.to_string(), rep.rtt_ms,
                       rep.unicast ? "unicast" : "broadcast");
    if (rep.eth_src != rep.mac) out += fmt::format("  (frame from {}: proxy ARP?)", rep.eth_src.to_string());
    if (rep.vlan) out += fmt::format("  vlan {}", *rep.vlan);
    out += "\n";
  }
  out += fmt::format("--- {} arp statistics ---\n", r.target.to_string());
  int answered = p.answered_rounds();
  out += fmt::format("{} rounds ({} broadcast, {} unicast requests), {} replies, {} rounds answered, {:.0f}% loss",
                     p.rounds, p.broadcast_sent, p.unicast_sent, p.replies.size(), answered,
                     model::loss_percent(p.rounds, answered));
  auto rtts = rtts_of(p);
  if (auto s = model::rtt_stats(rtts))
    out += fmt::format(", rtt min/avg/max = {:.3f}/{:.3f}/{:.3f} ms", s->min_ms, s->avg_ms, s->max_ms);
  out += "\n";
  if (p.rejected) out += fmt::format("{} unrelated or malformed ARP frames ignored\n", p.rejected);
  for (auto& e : p.send_errors) out += fmt::format("send error: {}\n", e);
  if (r.after && r.after != r.before)
    out += fmt::format("kernel cache after:  {}\n", entry_line(*r.after, r.interface));
  else if (!r.after && r.before)
    out += "kernel cache after:  no entry\n";
  out += "\n";
  out += fmt::format("{}: {}\n", r.verdict.status == model::Status::ok ? "OK" : "FAIL", r.verdict.headline);
  for (auto& d : r.verdict.details) out += "  " + d + "\n";
  if (r.verdict.fix) out += fmt::format("  fix: {}\n", *r.verdict.fix);
  return out;
}

std::string arp_json(const model::ArpReport& r) {
  using nlohmann::json;
  using namespace detail;
  const auto& p = r.probe;
  json replies = json::array();
  for (auto& rep : p.replies) {
    replies.push_back({{"mac", rep.mac.to_string()},
                       {"eth_src", rep.eth_src.to_string()},
                       {"rtt_ms", round3(rep.rtt_ms)},
                       {"round", rep.round},
                       {"request", rep.unicast ? "unicast" : "broadcast"},
                       {"vlan", rep.vlan ? json(*rep.vlan) : json(nullptr)}});
  }
  json macs = json::array();
  for (auto& m : p.answering_macs()) macs.push_back(m.to_string());
  auto rtts = rtts_of(p);
  int answered = p.answered_rounds();
  json j;
  j["schema"] = "vpcprobe.arp/1";
  j["target"] = r.target.to_string();
  j["target_name"] = r.target_name;
  j["interface"] = r.interface;
  j["source"] = {{"ip", r.source_ip.to_string()}, {"mac", r.source_mac.to_string()}};
  j["route_gateway"] = r.route_gateway ? json(r.route_gateway->to_string()) : json(nullptr);
  j["cache"] = {{"before", optional_neigh_json(r.before, r.interface)},
                {"after", optional_neigh_json(r.after, r.interface)},
                {"changed", r.before != r.after}};
  j["replies"] = replies;
  j["answering_macs"] = macs;
  j["summary"] = {{"rounds", p.rounds},
                  {"broadcast_sent", p.broadcast_sent},
                  {"unicast_sent", p.unicast_sent},
                  {"received", p.replies.size()},
                  {"answered_rounds", answered},
                  {"loss_percent", round3(model::loss_percent(p.rounds, answered))},
                  {"rtt_ms", rtt_json(model::rtt_stats(rtts))},
                  {"rejected", p.rejected},
                  {"send_errors", p.send_errors},
                  {"elapsed_ms", round3(p.elapsed_ms)}};
  j["verdict"] = {{"status", model::status_name(r.verdict.status)},
                  {"finding", model::arp_finding_name(r.verdict.finding)},
                  {"headline", r.verdict.headline},
                  {"details", r.verdict.details},
                  {"fix", r.verdict.fix ? json(*r.verdict.fix) : json(nullptr)},
                  {"kernel_heals", r.verdict.kernel_heals}};
  return j.dump(2) + "\n";
}

}  // namespace vpcprobe::render
