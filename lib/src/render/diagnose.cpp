#include "vpcprobe/render/diagnose.hpp"

#include <fmt/format.h>

#include "app_words.hpp"
#include "json_util.hpp"
#include "vpcprobe/render/words.hpp"

namespace vpcprobe::render {

using model::Check;
using nlohmann::json;

namespace {

struct Paint {
  bool color;
  std::string paint(const std::string& s, const char* code) const {
    return color ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  }
};

const char* symbol(Check c) {
  switch (c) {
    case Check::pass: return "✓";
    case Check::fail: return "✗";
    case Check::warn: return "!";
    case Check::skipped: return "–";
    case Check::not_tested: return "?";
    case Check::degraded: return "~";
  }
  return "?";
}

const char* color_of(Check c) {
  switch (c) {
    case Check::pass: return "32";
    case Check::fail: return "31;1";
    case Check::warn: return "33";
    case Check::degraded: return "33;1";
    default: return "2";
  }
}

std::string path_title(const model::PathResult& p) {
  std::string s = p.input;
  const bool v6 = p.target ? p.target->addr.is_v6() : p.endpoint.literal && p.endpoint.literal->is_v6();
  if (v6 && !(p.target && p.target->was_name) && p.port) return fmt::format("[{}]:{}", s, *p.port);
  if (p.target && p.target->was_name) s += fmt::format(" ({})", p.target->addr.to_string());
  if (p.port) s += fmt::format(":{}", *p.port);
  if (p.target && p.target->other_family)
    s += fmt::format(" [{}; also {} {}: {}]", wire::family_name(p.target->addr.family()), wire::family_name(p.target->other_family->family()),
                     p.target->other_family->to_string(), p.target->addr.is_v4() ? "-6" : "-4");
  return s;
}

std::string cell(const model::PathResult& p, const model::LayerResult& l, std::size_t width, const Paint& st) {
  // at least one space before the next column
  const std::string summary = layer_words(p, l).summary;
  std::string text = summary.size() > width - 3 ? summary.substr(0, width - 6) + "..." : summary;
  std::string pad(width - 2 - text.size(), ' ');
  return st.paint(symbol(l.check), color_of(l.check)) + " " + text + pad;
}

const char* status_word(model::Status s) {
  switch (s) {
    case model::Status::ok: return "OK";
    case model::Status::degraded: return "DEGRADED";
    case model::Status::failing: return "FAILING";
    case model::Status::unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

json layers_json(const model::PathResult& p, const std::vector<model::LayerResult>& layers) {
  json out = json::object();
  for (const auto& l : layers) {
    auto w = layer_words(p, l);
    json layer = {{"check", model::check_name(l.check)}, {"summary", w.summary}, {"evidence", w.evidence}};
    if (l.not_run) layer["not_run"] = {{"cause", model::cause_name(l.not_run->cause)}, {"detail", l.not_run->detail}};
    out[model::layer_name(l.layer)] = layer;
  }
  return out;
}

json series_json(const model::SeriesSummary& s) {
  using detail::round3;
  json rtt = nullptr;
  if (auto r = model::rtt_summary(s.rtts_ms))
    rtt = {{"min", round3(r->min_ms)}, {"median", round3(r->median_ms)}, {"max", round3(r->max_ms)}};
  return {{"sent", s.sent}, {"answered", s.answered}, {"errors", s.errors}, {"lost", s.lost},
          {"loss_percent", round3(s.loss_percent())}, {"rtt_ms", rtt}};
}

json link_json(const model::LinkInfo& l) {
  return {{"name", l.name}, {"ifindex", l.ifindex}, {"admin_up", l.admin_up()}, {"lower_up", l.lower_up()},
          {"operstate", model::operstate_name(l.operstate)}, {"mtu", l.mtu},
          {"mac", l.mac ? json(l.mac->to_string()) : json(nullptr)}};
}

json path_json(const model::PathResult& p, const std::vector<model::LayerResult>& layers) {
  using detail::round3;
  json j;
  j["input"] = p.input;
  j["port"] = p.port ? json(*p.port) : json(nullptr);
  j["target"] = p.target ? json{{"name", p.target->name}, {"ip", p.target->addr.to_string()}, {"resolved", p.target->was_name},
                                {"resolve_ms", round3(p.target->resolve_ms)},
                                {"family", p.target->addr.is_v4() ? "ipv4" : "ipv6"},
                                {"other_family_ip", p.target->other_family ? json(p.target->other_family->to_string()) : json(nullptr)}}
                         : json(nullptr);
  j["layers"] = layers_json(p, layers);
  json route = nullptr;
  if (p.route)
    route = {{"type", model::route_type_name(p.route->type)},
             {"gateway", p.route->gateway ? json(p.route->gateway->to_string()) : json(nullptr)},
             {"source", p.route->prefsrc ? json(p.route->prefsrc->to_string()) : json(nullptr)},
             {"dev", p.link ? json(p.link->name) : json(nullptr)},
             {"prefix_length", p.route_prefix ? json(*p.route_prefix) : json(nullptr)}};
  json down = json::array();
  for (const auto& [link, addr] : p.down_links_for_target) down.push_back(link_json(link));
  json arp = nullptr;
  if (p.arp) {
    json macs = json::array();
    for (auto& m : p.arp->answering_macs()) macs.push_back(m.to_string());
    arp = {{"broadcast_sent", p.arp->broadcast_sent}, {"unicast_sent", p.arp->unicast_sent},
           {"replies", p.arp->replies.size()}, {"answering_macs", macs},
           {"listened_after_answer_ms", round3(p.arp->listened_after_answer_ms)}};
  }
  std::string dev = p.link ? p.link->name : "";
  // The series, and one representative probe (the first answered one, else the first) in the
  // shape earlier versions had.
  json echo = nullptr;
  if (!p.echoes.empty()) {
    const auto* e = &p.echoes.front();
    for (const auto& x : p.echoes)
      if (x.outcome == model::EchoOutcome::reply) {
        e = &x;
        break;
      }
    echo = {{"method", model::method_name(p.echo_method.value_or(model::ProbeMethod::raw))},
            {"outcome", model::echo_outcome_name(e->outcome)},
            {"rtt_ms", e->outcome == model::EchoOutcome::reply ? json(round3(e->rtt_ms)) : json(nullptr)},
            {"icmp_error", detail::icmp_json(e->error)},
            {"series", series_json(model::summarize(p.echoes))}};
    json outcomes = json::array();
    for (const auto& x : p.echoes) outcomes.push_back(model::echo_outcome_name(x.outcome));
    echo["outcomes"] = outcomes;
  }
  json tcp = nullptr;
  if (!p.syns.empty()) {
    const auto* t = &p.syns.front();
    for (const auto& x : p.syns)
      if (x.state == model::TcpState::open) {
        t = &x;
        break;
      }
    tcp = {{"method", model::method_name(p.tcp_method.value_or(model::ProbeMethod::raw))},
           {"state", model::tcp_state_name(t->state)},
           {"rtt_ms", t->state == model::TcpState::open || t->state == model::TcpState::closed ||
                              t->state == model::TcpState::rejected ? json(round3(t->rtt_ms)) : json(nullptr)},
           {"detail", tcp_detail(*t)},
           {"icmp_error", detail::icmp_json(t->error)},
           {"series", series_json(model::summarize(p.syns))}};
    json states = json::array();
    for (const auto& x : p.syns) states.push_back(model::tcp_state_name(x.state));
    tcp["states"] = states;
  }
  json witness = nullptr;
  if (p.witness) {
    const auto& w = *p.witness;
    witness = {{"echo_out", w.echo_out}, {"echo_in", w.echo_in}, {"tcp_out", w.tcp_out}, {"tcp_in", w.tcp_in},
               {"out_interface", w.out_interface.empty() ? json(nullptr) : json(w.out_interface)},
               {"in_interface", w.in_interface.empty() ? json(nullptr) : json(w.in_interface)},
               {"rp_filter", w.rp_filter ? json(*w.rp_filter) : json(nullptr)},
               {"reverse_path_refused", w.reverse_path_refused ? json(*w.reverse_path_refused) : json(nullptr)}};
  }
  json mtu = json::array();
  for (auto& m : p.mtu_probes)
    mtu.push_back({{"size", m.size}, {"answered", m.answered}, {"frag_needed_mtu", m.error && m.error->mtu ? json(m.error->mtu) : json(nullptr)}});
  j["details"] = {{"route", route},
                  {"link", p.link ? link_json(*p.link) : json(nullptr)},
                  {"down_links_for_target", down},
                  {"neighbor", {{"next_hop", p.next_hop ? json(p.next_hop->to_string()) : json(nullptr)},
                                {"before", detail::optional_neigh_json(p.neigh_before, dev)},
                                {"after", detail::optional_neigh_json(p.neigh_after, dev)},
                                {"arp", arp},
                                {"not_run", p.arp_not_run ? json(describe(*p.arp_not_run)) : json(nullptr)}}},
                  {"echo", echo},
                  {"tcp", tcp},
                  {"witness", witness},
                  {"mtu", mtu},
                  {"application", detail::application_json(p)}};
  return j;
}

}  // namespace

std::string diagnose_text(const model::Diagnosis& d, bool color) {
  Paint st{color};
  constexpr std::size_t kWidth = 38;
  std::string out;
  out += st.paint("vpcprobe diagnose", "1");
  out += fmt::format("  private {}", path_title(d.private_path));
  if (d.public_path) out += fmt::format("  vs  public {}", path_title(*d.public_path));
  out += "\n\n";
  out += d.public_path ? fmt::format("{:<11} {:<{}}public\n", "layer", "private", kWidth) : fmt::format("{:<11} private\n", "layer");
  for (std::size_t i = 0; i < d.private_layers.size(); ++i) {
    out += fmt::format("{:<11} {}", model::layer_name(d.private_layers[i].layer), cell(d.private_path, d.private_layers[i], kWidth, st));
    if (d.public_path && i < d.public_layers.size()) out += cell(*d.public_path, d.public_layers[i], kWidth, st);
    // trailing spaces of the last cell are noise
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
  }
  const auto& v = d.verdict;
  const char* vcolor = v.status == model::Status::ok ? "32;1" : v.status == model::Status::degraded ? "33;1" : "31;1";
  out += "\n";
  std::string head = status_word(v.status);
  if (v.status != model::Status::ok)
    head += v.layer == model::Layer::unknown ? fmt::format(" ({} path)", model::path_name(v.path))
                                             : fmt::format(" ({} layer, {} path)", model::layer_name(v.layer), model::path_name(v.path));
  out += st.paint(head, vcolor) + ": " + verdict_summary(d) + "\n";
  const auto evidence = verdict_evidence(d);
  if (!evidence.empty()) {
    out += "evidence:\n";
    for (const auto& e : evidence) out += "  - " + e + "\n";
  }
  if (auto fix = fix_text(d)) out += st.paint("fix:", "1") + " " + *fix + "\n";
  std::size_t untested = 0;
  for (const auto* layers : {&d.private_layers, &d.public_layers})
    for (const auto& l : *layers) untested += l.check == Check::not_tested;
  if (untested)
    out += fmt::format("{} check{} not tested (marked ?): run `vpcprobe self-check` to see which privileges are missing\n",
                       untested, untested == 1 ? " was" : "s were");
  out += fmt::format("(checked all layers of {} path{} at once in {:.0f} ms)\n", d.public_path ? 2 : 1,
                     d.public_path ? "s" : "", d.duration_ms);
  return out;
}

std::string diagnose_json(const model::Diagnosis& d) { return detail::dump(detail::diagnose_json_object(d)); }

nlohmann::json detail::diagnose_json_object(const model::Diagnosis& d) {
  json j;
  j["schema"] = "vpcprobe.diagnose/1";
  auto fix = fix_text(d);
  j["verdict"] = {{"status", model::status_name(d.verdict.status)},
                  {"layer", model::layer_name(d.verdict.layer)},
                  {"path", model::path_name(d.verdict.path)},
                  {"summary", verdict_summary(d)},
                  {"evidence", verdict_evidence(d)},
                  {"fix", fix ? json(*fix) : json(nullptr)}};
  j["paths"] = {{"private", path_json(d.private_path, d.private_layers)},
                {"public", d.public_path ? path_json(*d.public_path, d.public_layers) : json(nullptr)}};
  // Degraded runs say exactly which checks did not run, and why.
  json not_tested = json::array();
  auto collect = [&](const model::PathResult& p, const std::vector<model::LayerResult>& layers) {
    for (const auto& l : layers)
      if (l.check == Check::not_tested) {
        auto w = layer_words(p, l);
        not_tested.push_back({{"path", model::path_name(p.role)}, {"layer", model::layer_name(l.layer)},
                              {"reason", w.evidence.empty() ? w.summary : w.evidence.front()},
                              {"cause", l.not_run ? json(model::cause_name(l.not_run->cause)) : json(nullptr)}});
      }
  };
  collect(d.private_path, d.private_layers);
  if (d.public_path) collect(*d.public_path, d.public_layers);
  j["not_tested"] = not_tested;
  j["duration_ms"] = detail::round3(d.duration_ms);
  j["timeout_s"] = d.timeout_s;
  return j;
}

namespace {
struct DiagnoseText final : Renderer<model::Diagnosis> {
  explicit DiagnoseText(bool color) : color_(color) {}
  std::string report(const model::Diagnosis& d) const override { return diagnose_text(d, color_); }
  bool color_;
};
struct DiagnoseJson final : Renderer<model::Diagnosis> {
  std::string report(const model::Diagnosis& d) const override { return diagnose_json(d); }
};
}  // namespace

template <>
Result<RendererPtr<model::Diagnosis>> make_renderer<model::Diagnosis>(Format f, const Style& style) {
  if (f == Format::text) return std::make_unique<DiagnoseText>(style.color);
  if (f == Format::json) return std::make_unique<DiagnoseJson>();
  return fail(Errc::invalid_argument, fmt::format("diagnose has no {} output", format_name(f)));
}

}  // namespace vpcprobe::render
