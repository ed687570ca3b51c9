#include "vpcprobe/render/arp.hpp"

#include <fmt/format.h>

#include <vector>

#include "arp_words.hpp"
#include "json_util.hpp"
#include "vpcprobe/render/words.hpp"

namespace vpcprobe::render {

namespace {

std::string entry_line(const model::NeighEntry& e, const std::string& dev) {
  std::string s = fmt::format("{} dev {} lladdr {} {}", e.ip.to_string(), dev, e.mac ? e.mac->to_string() : std::string("-"),
                              model::neigh_state_name(e.state));
  for (auto& f : model::neigh_flag_names(e)) s += " " + f;
  return s;
}

std::vector<double> rtts_of(const model::ArpProbeResult& p) {
  std::vector<double> out;
  for (auto& r : p.replies) out.push_back(r.rtt_ms);
  return out;
}

detail::ArpFacts facts(const model::ArpReport& r) {
  return {r.target, r.interface, r.before, r.after, r.probe, r.route_gateway};
}


const char* finding_schema_name(model::NeighFinding f) {
  // vpcprobe.arp/1 names; the stale finding was called stale_entry there from the start.
  switch (f) {
    case model::NeighFinding::consistent: return "consistent";
    case model::NeighFinding::stale: return "stale_entry";
    case model::NeighFinding::silent: return "silent";
    case model::NeighFinding::conflict: return "conflict";
  }
  return "silent";
}

}  // namespace

std::string arp_headline(const model::ArpReport& r) { return detail::arp_headline(r.verdict, r.target.is_v6()); }

std::vector<std::string> arp_details(const model::ArpReport& r) {
  auto d = detail::arp_details(facts(r), r.verdict);
  if (r.interrupted) d.push_back("Interrupted: the report covers the rounds sent so far.");
  return d;
}

std::optional<std::string> arp_fix(const model::ArpReport& r) { return detail::arp_fix(facts(r), r.verdict); }

std::string arp_text(const model::ArpReport& r) {
  std::string out;
  const auto& p = r.probe;
  // IPv6: the same probe in Neighbor Discovery's words (NDP; multicast to the solicited-node group).
  const bool v6 = r.target.is_v6();
  const char* proto = v6 ? "NDP" : "ARP";
  const char* many = v6 ? "multicast" : "broadcast";
  out += fmt::format("{} {} on {} from {} {}\n", proto, r.target.to_string(), r.interface, r.source_ip.to_string(), r.source_mac.to_string());
  out += fmt::format("kernel cache before: {}\n", r.before ? entry_line(*r.before, r.interface) : std::string("no entry"));
  for (const auto& rep : p.replies) {
    out += fmt::format("reply from {} at {}  {:.3f} ms  ({})", r.target.to_string(), rep.mac.to_string(), rep.rtt_ms,
                       rep.unicast ? "unicast" : many);
    if (rep.ndp)
      out += fmt::format("  flags {}{}{}", rep.ndp->router ? "R" : "-", rep.ndp->solicited ? "S" : "-", rep.ndp->override_flag ? "O" : "-");
    if (rep.eth_src != rep.mac) out += fmt::format("  (frame from {}: proxy {}?)", rep.eth_src.to_string(), v6 ? "NDP" : "ARP");
    if (rep.vlan) out += fmt::format("  vlan {}", *rep.vlan);
    out += "\n";
  }
  out += fmt::format("--- {} {} statistics ---\n", r.target.to_string(), v6 ? "ndp" : "arp");
  const int answered = p.answered_rounds();
  out += fmt::format("{} rounds ({} {}, {} unicast {}), {} replies, {} rounds answered, {:.0f}% loss", p.rounds, p.broadcast_sent, many,
                     p.unicast_sent, v6 ? "solicitations" : "requests", p.replies.size(), answered, model::loss_percent(p.rounds, answered));
  auto rtts = rtts_of(p);
  if (auto s = model::rtt_stats(rtts)) out += fmt::format(", rtt min/avg/max = {:.3f}/{:.3f}/{:.3f} ms", s->min_ms, s->avg_ms, s->max_ms);
  out += "\n";
  if (p.rejected) out += fmt::format("{} unrelated or malformed {} frames ignored\n", p.rejected, v6 ? "advertisement" : "ARP");
  for (const auto& e : p.send_errors) out += fmt::format("send error: {}\n", send_error_text(e));
  if (r.after && r.after != r.before) out += fmt::format("kernel cache after:  {}\n", entry_line(*r.after, r.interface));
  else if (!r.after && r.before) out += "kernel cache after:  no entry\n";
  out += "\n";
  out += fmt::format("{}: {}\n", r.verdict.status == model::Status::ok ? "OK" : "FAIL", detail::arp_headline(r.verdict, r.target.is_v6()));
  for (const auto& d : arp_details(r)) out += "  " + d + "\n";
  if (auto fix = detail::arp_fix(facts(r), r.verdict)) out += fmt::format("  fix: {}\n", *fix);
  return out;
}

std::string arp_json(const model::ArpReport& r) {
  using nlohmann::json;
  using detail::round3;
  const auto& p = r.probe;
  json replies = json::array();
  for (const auto& rep : p.replies)
    replies.push_back({{"mac", rep.mac.to_string()},
                       {"eth_src", rep.eth_src.to_string()},
                       {"rtt_ms", round3(rep.rtt_ms)},
                       {"round", rep.round},
                       {"request", rep.unicast ? "unicast" : r.target.is_v6() ? "multicast" : "broadcast"},
                       {"vlan", rep.vlan ? json(*rep.vlan) : json(nullptr)},
                       {"ndp_flags", rep.ndp ? json{{"router", rep.ndp->router}, {"solicited", rep.ndp->solicited},
                                                    {"override", rep.ndp->override_flag}}
                                             : json(nullptr)}});
  json macs = json::array();
  for (const auto& m : p.answering_macs()) macs.push_back(m.to_string());
  json send_errors = json::array();
  for (const auto& e : p.send_errors) send_errors.push_back(send_error_text(e));
  auto rtts = rtts_of(p);
  const int answered = p.answered_rounds();
  auto fix = detail::arp_fix(facts(r), r.verdict);
  json j;
  j["schema"] = "vpcprobe.arp/1";
  j["target"] = r.target.to_string();
  j["family"] = r.target.is_v4() ? "ipv4" : "ipv6";
  j["protocol"] = r.target.is_v4() ? "arp" : "ndp";
  j["target_name"] = r.target_name;
  j["interface"] = r.interface;
  j["source"] = {{"ip", r.source_ip.to_string()}, {"mac", r.source_mac.to_string()}};
  j["route_gateway"] = r.route_gateway ? json(r.route_gateway->to_string()) : json(nullptr);
  j["cache"] = {{"before", detail::optional_neigh_json(r.before, r.interface)},
                {"after", detail::optional_neigh_json(r.after, r.interface)},
                {"changed", r.before != r.after}};
  j["replies"] = replies;
  j["answering_macs"] = macs;
  j["summary"] = {{"rounds", p.rounds},
                  {"broadcast_sent", p.broadcast_sent},
                  {"unicast_sent", p.unicast_sent},
                  {"received", p.replies.size()},
                  {"answered_rounds", answered},
                  {"loss_percent", round3(model::loss_percent(p.rounds, answered))},
                  {"rtt_ms", detail::rtt_json(model::rtt_stats(rtts))},
                  {"rejected", p.rejected},
                  {"send_errors", send_errors},
                  {"elapsed_ms", round3(p.elapsed_ms)},
                  {"listened_after_answer_ms", round3(p.listened_after_answer_ms)},
                  {"interrupted", r.interrupted}};
  j["verdict"] = {{"status", model::status_name(r.verdict.status)},
                  {"finding", finding_schema_name(r.verdict.finding)},
                  {"headline", detail::arp_headline(r.verdict, r.target.is_v6())},
                  {"details", arp_details(r)},
                  {"fix", fix ? json(*fix) : json(nullptr)},
                  {"kernel_heals", r.verdict.kernel_heals}};
  return detail::dump(j);
}

namespace {
struct ArpText final : Renderer<model::ArpReport> {
  std::string report(const model::ArpReport& r) const override { return arp_text(r); }
};
struct ArpJson final : Renderer<model::ArpReport> {
  std::string report(const model::ArpReport& r) const override { return arp_json(r); }
};
}  // namespace

template <>
Result<RendererPtr<model::ArpReport>> make_renderer<model::ArpReport>(Format f, const Style&) {
  if (f == Format::text) return std::make_unique<ArpText>();
  if (f == Format::json) return std::make_unique<ArpJson>();
  return fail(Errc::invalid_argument, fmt::format("arp has no {} output", format_name(f)));
}

}  // namespace vpcprobe::render
