#include "vpcprobe/render/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "json_util.hpp"

namespace vpcprobe::render {

using model::Check;
using nlohmann::json;

namespace {

std::optional<double> path_rtt_ms(const model::PathResult& p) {
  if (p.tcp && p.tcp->state == model::TcpState::open) return p.tcp->rtt_ms;
  if (p.echo && p.echo->outcome == model::EchoOutcome::reply) return p.echo->rtt_ms;
  return std::nullopt;
}

bool path_ok(const std::vector<model::LayerResult>& layers) {
  bool answered = false;
  for (const auto& l : layers) {
    if (l.check == Check::fail) return false;
    answered |= (l.layer == model::Layer::transport || l.layer == model::Layer::network) && l.check == Check::pass;
  }
  return answered;
}

// Prometheus label values escape backslash, double quote and newline.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string num(double v) { return fmt::format("{:.6g}", v); }

json audit_json(const model::InterfaceAudit& a) {
  json j = detail::neigh_json_object(a.report);
  j["interface"] = a.interface.empty() ? json(nullptr) : json(a.interface);
  j["finished"] = a.finished;
  return j;
}

json target_json(const model::NamedDiagnosis& t) {
  json j = detail::diagnose_json_object(t.diagnosis);
  j.erase("schema");
  j["name"] = t.name;
  return j;
}

}  // namespace

std::string check_text(const model::CheckReport& r) {
  std::string out;
  for (const auto& t : r.targets) {
    const auto& v = t.diagnosis.verdict;
    std::string where = v.status == model::Status::ok ? "" : fmt::format(" ({} layer, {} path)", model::layer_name(v.layer), v.path);
    out += fmt::format("{:<20} {:<9}{} {}\n", t.name, model::status_name(v.status), where, v.summary);
    if (v.fix) out += fmt::format("{:<20} fix: {}\n", "", *v.fix);
  }
  for (const auto& a : r.audits) {
    const auto& c = a.report.counts;
    out += fmt::format("neigh {:<14} {:<9} {} entries: {} ok, {} stale, {} silent, {} conflict, {} not verifiable{}\n",
                       a.interface.empty() ? "(all)" : a.interface, model::status_name(a.report.status), a.report.entries.size(),
                       c.ok, c.stale, c.silent, c.conflict, c.not_verifiable, a.finished ? "" : " (cut short by the deadline)");
    for (const auto& e : a.report.entries)
      if (e.cls == model::NeighClass::stale || e.cls == model::NeighClass::conflict)
        out += fmt::format("{:<20} {} {} on {}: {}\n", "", model::neigh_class_name(e.cls), e.before.ip.to_string(), e.dev,
                           e.answering.empty() ? std::string("-") : e.answering.front().to_string());
  }
  out += fmt::format("check: {} targets, {} audits, {} in {:.0f} ms{}\n", r.targets.size(), r.audits.size(),
                     model::status_name(r.status), r.duration_ms, r.deadline_hit ? " (deadline reached)" : "");
  return out;
}

std::string check_json(const model::CheckReport& r) {
  json j;
  j["schema"] = "vpcprobe.check/1";
  j["version"] = r.version;
  j["status"] = model::status_name(r.status);
  j["targets"] = json::array();
  for (const auto& t : r.targets) j["targets"].push_back(target_json(t));
  j["neigh"] = json::array();
  for (const auto& a : r.audits) j["neigh"].push_back(audit_json(a));
  j["duration_ms"] = detail::round3(r.duration_ms);
  j["deadline_s"] = r.deadline_s;
  j["deadline_hit"] = r.deadline_hit;
  return j.dump(2) + "\n";
}

std::string check_jsonl(const model::CheckReport& r) {
  std::string out;
  for (const auto& t : r.targets) {
    json j = target_json(t);
    j["schema"] = "vpcprobe.check.target/1";
    out += j.dump() + "\n";
  }
  for (const auto& a : r.audits) {
    json j = audit_json(a);
    j["schema"] = "vpcprobe.check.neigh/1";
    out += j.dump() + "\n";
  }
  json s = {{"schema", "vpcprobe.check.summary/1"}, {"status", model::status_name(r.status)}, {"targets", r.targets.size()},
            {"audits", r.audits.size()}, {"duration_ms", detail::round3(r.duration_ms)}, {"deadline_hit", r.deadline_hit}};
  return out + s.dump() + "\n";
}

namespace {

// One metric family: its HELP and TYPE lines, then its samples, as the exposition format wants.
struct Family {
  std::string name, help, samples;
  void add(const std::string& labels, const std::string& value) {
    samples += labels.empty() ? fmt::format("{} {}\n", name, value) : fmt::format("{}{{{}}} {}\n", name, labels, value);
  }
  std::string text() const { return fmt::format("# HELP {} {}\n# TYPE {} gauge\n{}", name, help, name, samples); }
};

}  // namespace

std::string check_prometheus(const model::CheckReport& r) {
  Family build{"vpcprobe_build_info", "vpcprobe build, always 1.", ""};
  Family success{"probe_success", "Whether the target's private path works (1) or not (0), as blackbox_exporter.", ""};
  Family duration{"probe_duration_seconds", "How long the target's diagnosis took.", ""};
  Family status{"vpcprobe_status", "The target's verdict as an exit code: 0 ok, 1 degraded, 2 failing, 3 unknown.", ""};
  Family verdict{"vpcprobe_verdict_info", "The target's verdict: status, failing layer and path, as labels.", ""};
  Family path_success{"vpcprobe_path_success", "Whether each path of the target works (1) or not (0).", ""};
  Family layer_success{"vpcprobe_layer_success",
                       "Per path and layer: 1 passed (or only warned), 0 failed; absent when not tested or not applicable.", ""};
  Family layer_tested{"vpcprobe_layer_tested", "Per path and layer: 1 when the check ran, 0 when it could not (missing privilege).", ""};
  Family rtt{"vpcprobe_rtt_seconds", "Round-trip time of the path's answering probe (TCP SYN, else ICMP echo).", ""};
  Family neigh_entries{"vpcprobe_neigh_entries", "Neighbor table entries by interface and kernel state.", ""};
  Family neigh_findings{"vpcprobe_neigh_findings",
                        "Neighbor entries by what the wire said: ok, stale, silent, conflict, not_verifiable, unchecked.", ""};
  Family check_duration{"vpcprobe_check_duration_seconds", "How long the whole check took.", ""};
  Family deadline{"vpcprobe_check_deadline_exceeded", "1 when the global deadline cut the check short.", ""};
  Family check_status{"vpcprobe_check_status", "The whole check as an exit code: 0 ok, 1 degraded, 2 failing, 3 unknown.", ""};

  build.add(fmt::format("version=\"{}\"", label(r.version)), "1");
  for (const auto& t : r.targets) {
    const model::Diagnosis& d = t.diagnosis;
    std::string target = fmt::format("target=\"{}\"", label(t.name));
    success.add(target, path_ok(d.private_layers) ? "1" : "0");
    duration.add(target, num(d.duration_ms / 1000));
    status.add(target, std::to_string(model::exit_code(d.verdict.status)));
    verdict.add(fmt::format("{},status=\"{}\",layer=\"{}\",path=\"{}\"", target, model::status_name(d.verdict.status),
                            model::layer_name(d.verdict.layer), label(d.verdict.path)),
                "1");
    auto add_path = [&](const model::PathResult& p, const std::vector<model::LayerResult>& layers) {
      std::string tp = fmt::format("{},path=\"{}\"", target, p.role);
      path_success.add(tp, path_ok(layers) ? "1" : "0");
      for (const auto& l : layers) {
        if (l.check == Check::skipped) continue;
        std::string tpl = fmt::format("{},layer=\"{}\"", tp, model::layer_name(l.layer));
        layer_tested.add(tpl, l.check == Check::not_tested ? "0" : "1");
        if (l.check != Check::not_tested) layer_success.add(tpl, l.check == Check::fail ? "0" : "1");
      }
      if (auto ms = path_rtt_ms(p))
        rtt.add(fmt::format("{},probe=\"{}\"", tp, p.tcp && p.tcp->state == model::TcpState::open ? "tcp" : "icmp"), num(*ms / 1000));
    };
    add_path(d.private_path, d.private_layers);
    if (d.public_path) add_path(*d.public_path, d.public_layers);
  }
  for (const auto& a : r.audits) {
    std::map<std::pair<std::string, std::string>, int> by_state, by_class;
    for (const auto& e : a.report.entries) {
      by_state[{e.dev, model::neigh_state_name(e.before.state)}]++;
      by_class[{e.dev, model::neigh_class_name(e.cls)}]++;
    }
    for (const auto& [k, n] : by_state)
      neigh_entries.add(fmt::format("interface=\"{}\",state=\"{}\"", label(k.first), k.second), std::to_string(n));
    for (const auto& [k, n] : by_class)
      neigh_findings.add(fmt::format("interface=\"{}\",class=\"{}\"", label(k.first), k.second), std::to_string(n));
  }
  check_duration.add("", num(r.duration_ms / 1000));
  deadline.add("", r.deadline_hit ? "1" : "0");
  check_status.add("", std::to_string(model::exit_code(r.status)));

  std::string out;
  for (const auto* f : {&build, &success, &duration, &status, &verdict, &path_success, &layer_success, &layer_tested, &rtt,
                        &neigh_entries, &neigh_findings, &check_duration, &deadline, &check_status})
    if (!f->samples.empty()) out += f->text();
  return out;
}

bool NagiosRange::alerts(double v) const {
  bool outside = (!low_infinite && v < low) || (!high_infinite && v > high);
  return inside ? !outside : outside;
}

std::optional<NagiosRange> parse_nagios_range(const std::string& text) {
  NagiosRange r;
  r.text = text;
  std::string s = text;
  if (s.empty()) return std::nullopt;
  if (s[0] == '@') {
    r.inside = true;
    s = s.substr(1);
  }
  auto number = [](const std::string& t) -> std::optional<double> {
    if (t.empty()) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  };
  auto colon = s.find(':');
  if (colon == std::string::npos) {
    auto hi = number(s);
    if (!hi) return std::nullopt;
    r.low = 0;
    r.high = *hi;
  } else {
    std::string lo = s.substr(0, colon), hi = s.substr(colon + 1);
    if (lo == "~") r.low_infinite = true;
    else if (auto v = number(lo)) r.low = *v;
    else if (!lo.empty()) return std::nullopt;
    if (hi.empty()) r.high_infinite = true;
    else if (auto v = number(hi)) r.high = *v;
    else return std::nullopt;
  }
  if (!r.low_infinite && !r.high_infinite && r.low > r.high) return std::nullopt;
  return r;
}

NagiosResult check_nagios(const model::CheckReport& r, const std::optional<NagiosRange>& warn,
                          const std::optional<NagiosRange>& crit) {
  std::vector<model::Status> parts{r.status};
  std::string perf, problems;
  for (const auto& t : r.targets) {
    const auto& v = t.diagnosis.verdict;
    auto rtt = path_rtt_ms(t.diagnosis.private_path);
    if (rtt) {
      perf += fmt::format(" '{}_rtt'={:.3f}ms;{};{};0;", t.name, *rtt, warn ? warn->text : "", crit ? crit->text : "");
      if (crit && crit->alerts(*rtt)) {
        parts.push_back(model::Status::failing);
        problems += fmt::format("{}: RTT {:.1f} ms beyond {}; ", t.name, *rtt, crit->text);
      } else if (warn && warn->alerts(*rtt)) {
        parts.push_back(model::Status::degraded);
        problems += fmt::format("{}: RTT {:.1f} ms beyond {}; ", t.name, *rtt, warn->text);
      }
    }
    if (v.status != model::Status::ok)
      problems += fmt::format("{}: {} ({} layer, {} path); ", t.name, model::status_name(v.status), model::layer_name(v.layer), v.path);
  }
  for (const auto& a : r.audits) {
    perf += fmt::format(" 'neigh_{}_stale'={};;;0; 'neigh_{}_conflict'={};;;0;", a.interface.empty() ? "all" : a.interface,
                        a.report.counts.stale, a.interface.empty() ? "all" : a.interface, a.report.counts.conflict);
    if (a.report.status != model::Status::ok)
      problems += fmt::format("neigh {}: {} stale, {} conflict, {} silent; ", a.interface.empty() ? "(all)" : a.interface,
                              a.report.counts.stale, a.report.counts.conflict, a.report.counts.silent);
  }
  perf += fmt::format(" 'duration'={:.3f}s;;;0;", r.duration_ms / 1000);
  auto status = model::aggregate_status(parts);
  static constexpr const char* kWords[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
  std::string summary = problems.empty() ? fmt::format("{} targets and {} audits ok", r.targets.size(), r.audits.size())
                                         : problems.substr(0, problems.size() - 2);
  for (char& c : summary)
    if (c == '|' || c == '\n') c = ' ';
  return {fmt::format("VPCPROBE {} - {} |{}\n", kWords[model::exit_code(status)], summary, perf), status};
}

std::string check_error(const std::string& format, const std::string& message) {
  if (format == "json" || format == "jsonl")
    return json{{"schema", "vpcprobe.check.error/1"}, {"status", "unknown"}, {"error", message}}.dump() + "\n";
  if (format == "prometheus")
    return "# HELP vpcprobe_check_status The whole check as an exit code: 0 ok, 1 degraded, 2 failing, 3 unknown.\n"
           "# TYPE vpcprobe_check_status gauge\nvpcprobe_check_status 3\n"
           "# HELP vpcprobe_check_config_error 1 when the targets file or the options could not be used.\n"
           "# TYPE vpcprobe_check_config_error gauge\nvpcprobe_check_config_error 1\n";
  if (format == "nagios") {
    std::string m = message;
    for (char& c : m)
      if (c == '|' || c == '\n') c = ' ';
    return "VPCPROBE UNKNOWN - " + m + "\n";
  }
  return "";
}

}  // namespace vpcprobe::render
