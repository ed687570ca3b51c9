#include "vpcprobe/render/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "json_util.hpp"
#include "vpcprobe/render/diagnose.hpp"
#include "vpcprobe/render/neigh.hpp"
#include "vpcprobe/render/neigh_health.hpp"

namespace vpcprobe::render {

using model::Check;
using nlohmann::json;

namespace {

// The path's answering probe (TCP SYN, else ICMP echo) and its RTT.
std::optional<std::pair<const char*, double>> answer_rtt(const model::PathResult& p) {
  if (auto r = model::path_rtt(p)) return std::pair{r->probe, r->ms};
  return std::nullopt;
}

bool path_ok(const std::optional<model::PathJudgement>& j) { return j && j->status == model::Status::ok; }

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
    std::string where = v.status == model::Status::ok
                            ? ""
                            : fmt::format(" ({} layer, {} path)", model::layer_name(v.layer), model::path_name(v.path));
    out += fmt::format("{:<20} {:<9}{} {}\n", t.name, model::status_name(v.status), where, verdict_summary(t.diagnosis));
    if (auto fix = fix_text(t.diagnosis)) out += fmt::format("{:<20} fix: {}\n", "", *fix);
  }
  for (const auto& a : r.audits) {
    const auto& c = a.report.counts;
    out += fmt::format("neigh {:<14} {:<9} {} entries: {} ok, {} stale, {} silent, {} conflict, {} not verifiable{}\n",
                       a.interface.empty() ? "(all)" : a.interface, model::status_name(a.report.status), a.report.entries.size(),
                       c.ok, c.stale, c.silent, c.conflict, c.not_verifiable, a.finished ? "" : " (cut short by the deadline)");
    for (const auto& e : a.report.entries)
      if (auto cls = model::neigh_class(e); cls == model::NeighClass::stale || cls == model::NeighClass::conflict)
        out += fmt::format("{:<20} {} {} on {}: {}\n", "", model::neigh_class_name(cls), e.before.ip.to_string(), e.dev,
                           e.answering.empty() ? std::string("-") : e.answering.front().to_string());
    if (a.report.health)
      for (const auto& f : a.report.health->findings)
        if (f.severity != model::HealthSeverity::info)
          out += fmt::format("{:<20} {}: {}\n", "", f.severity == model::HealthSeverity::failure ? "FAILURE" : "WARNING",
                             health_finding_text(f, *a.report.health));
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
  return detail::dump(j);
}

std::string check_jsonl(const model::CheckReport& r) {
  std::string out;
  for (const auto& t : r.targets) {
    json j = target_json(t);
    j["schema"] = "vpcprobe.check.target/1";
    out += detail::dump(j, -1);
  }
  for (const auto& a : r.audits) {
    json j = audit_json(a);
    j["schema"] = "vpcprobe.check.neigh/1";
    out += detail::dump(j, -1);
  }
  json s = {{"schema", "vpcprobe.check.summary/1"}, {"status", model::status_name(r.status)}, {"targets", r.targets.size()},
            {"audits", r.audits.size()}, {"duration_ms", detail::round3(r.duration_ms)}, {"deadline_hit", r.deadline_hit}};
  return out + detail::dump(s, -1);
}

namespace {

// One metric family: its HELP and TYPE lines, then its samples, as the exposition format wants.
struct Family {
  std::string name, help, samples;
  std::string type = "gauge";
  void add(const std::string& labels, const std::string& value) {
    samples += labels.empty() ? fmt::format("{} {}\n", name, value) : fmt::format("{}{{{}}} {}\n", name, labels, value);
  }
  std::string text() const { return fmt::format("# HELP {} {}\n# TYPE {} {}\n{}", name, help, name, type, samples); }
};

// The neighbor subsystem's health: one set per table (the tables are the host's, so several
// audits in one check report them once).
struct HealthFamilies {
  Family table_entries{"vpcprobe_neigh_table_entries",
                       "Neighbor entries by family: host = every namespace (the kernel's count), counted = this namespace's "
                       "entries that count against gc_thresh3, exempt = PERMANENT or extern_learn.", ""};
  Family by_state{"vpcprobe_neigh_table_entries_by_state", "This namespace's neighbor entries by family and kernel state.", ""};
  Family thresh{"vpcprobe_neigh_gc_thresh", "The kernel's garbage-collection thresholds of the neighbor table (host-wide).", ""};
  Family counters{"vpcprobe_neigh_table_events_total",
                  "The neighbor table's counters since boot (host-wide): table_fulls, forced_gc_runs, res_failed, "
                  "unresolved_discards, ...",
                  "", "counter"};
  Family setting{"vpcprobe_neigh_setting", "Per interface: the effective value of each ARP/NDP setting the health check reads.", ""};
  Family findings{"vpcprobe_neigh_health_findings", "Neighbor-subsystem findings by severity and kind.", ""};
  Family status{"vpcprobe_neigh_health_status", "The neighbor subsystem's health as an exit code: 0 ok, 1 degraded, 2 failing.", ""};
  std::set<std::string> tables_seen, interfaces_seen;

  void add(const model::NeighHealth& h) {
    for (const auto& t : h.tables) {
      const std::string fam = t.family == wire::Family::v4 ? "ipv4" : "ipv6";
      if (!tables_seen.insert(fam).second) continue;
      const std::string f = fmt::format("family=\"{}\"", fam);
      table_entries.add(f + ",scope=\"host\"", std::to_string(t.entries_host));
      if (const auto* c = h.counts_of(t.family)) {
        table_entries.add(f + ",scope=\"counted\"", std::to_string(c->counted));
        table_entries.add(f + ",scope=\"exempt\"", std::to_string(c->exempt));
        for (const auto& [s, n] : c->by_state) by_state.add(fmt::format("{},state=\"{}\"", f, s), std::to_string(n));
      }
      thresh.add(f + ",threshold=\"gc_thresh1\"", std::to_string(t.gc_thresh1));
      thresh.add(f + ",threshold=\"gc_thresh2\"", std::to_string(t.gc_thresh2));
      thresh.add(f + ",threshold=\"gc_thresh3\"", std::to_string(t.gc_thresh3));
      const auto& k = t.counters;
      for (const auto& [name, v] : {std::pair{"allocs", k.allocs}, std::pair{"destroys", k.destroys},
                                    std::pair{"hash_grows", k.hash_grows}, std::pair{"res_failed", k.res_failed},
                                    std::pair{"lookups", k.lookups}, std::pair{"hits", k.hits},
                                    std::pair{"rcv_probes_mcast", k.rcv_probes_mcast}, std::pair{"rcv_probes_ucast", k.rcv_probes_ucast},
                                    std::pair{"periodic_gc_runs", k.periodic_gc_runs}, std::pair{"forced_gc_runs", k.forced_gc_runs},
                                    std::pair{"table_fulls", k.table_fulls}})
        counters.add(fmt::format("{},event=\"{}\"", f, name), std::to_string(v));
      if (k.unresolved_discards) counters.add(f + ",event=\"unresolved_discards\"", std::to_string(*k.unresolved_discards));
    }
    for (const auto& i : h.interfaces) {
      if (!interfaces_seen.insert(i.dev).second) continue;
      for (const auto* list : {&i.v4, &i.v6})
        for (const auto& v : *list)
          setting.add(fmt::format("interface=\"{}\",family=\"{}\",setting=\"{}\"", label(i.dev), list == &i.v4 ? "ipv4" : "ipv6", v.name),
                      std::to_string(v.effective));
    }
  }
  void finish(const std::vector<const model::NeighHealth*>& all) {
    if (all.empty()) return;
    // Two audits (two interfaces) see the same host-wide table: each finding counts once.
    std::map<std::pair<std::string, std::string>, int> n;
    std::set<std::string> seen;
    auto worst = model::Status::ok;
    for (const auto* h : all) {
      worst = std::max(worst, h->status);
      for (const auto& f : h->findings) {
        const auto severity = model::health_severity_name(f.severity), kind = model::health_kind_name(f.kind);
        if (!seen.insert(fmt::format("{}/{}/{}/{}/{}", severity, kind, wire::family_name(f.family), f.dev, f.setting)).second) continue;
        ++n[{severity, kind}];
      }
    }
    for (const auto& [k, v] : n) findings.add(fmt::format("severity=\"{}\",kind=\"{}\"", k.first, k.second), std::to_string(v));
    status.add("", std::to_string(model::exit_code(worst)));
  }
  std::string text() const {
    std::string out;
    for (const auto* f : {&table_entries, &by_state, &thresh, &counters, &setting, &findings, &status})
      if (!f->samples.empty()) out += f->text();
    return out;
  }
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
  Family rtt{"vpcprobe_rtt_seconds", "Round-trip time of the path's answering probe (TCP SYN, else ICMP echo): the series' median.", ""};
  Family loss{"vpcprobe_loss_ratio", "Share of the path's probe series (ICMP echoes, TCP SYNs) that got no answer, 0 to 1.", ""};
  Family cert_expiry{"probe_ssl_earliest_cert_expiry",
                     "Per path: the earliest notAfter (Unix seconds) of the certificate chain the TLS endpoint sent, as blackbox_exporter.", ""};
  Family app_first_byte{"vpcprobe_app_first_byte_seconds",
                        "Per path: from the application request (or the connection, for a server that speaks first) to its first byte.", ""};
  Family neigh_entries{"vpcprobe_neigh_entries", "Neighbor table entries by interface and kernel state.", ""};
  Family neigh_findings{"vpcprobe_neigh_findings",
                        "Neighbor entries by what the wire said: ok, stale, silent, conflict, not_verifiable, unchecked.", ""};
  Family neigh_problem{"vpcprobe_neigh_problem",
                       "1 for each neighbor entry the wire contradicts (stale, conflict, silent): its interface, IP, cached and "
                       "answering MACs. Healthy entries are only counted (vpcprobe_neigh_findings).",
                       ""};
  Family neigh_omitted{"vpcprobe_neigh_problems_omitted", "Problem entries beyond the first 200, counted but not listed.", ""};
  Family check_duration{"vpcprobe_check_duration_seconds", "How long the whole check took.", ""};
  Family deadline{"vpcprobe_check_deadline_exceeded", "1 when the global deadline cut the check short.", ""};
  Family check_status{"vpcprobe_check_status", "The whole check as an exit code: 0 ok, 1 degraded, 2 failing, 3 unknown.", ""};

  build.add(fmt::format("version=\"{}\"", label(r.version)), "1");
  for (const auto& t : r.targets) {
    const model::Diagnosis& d = t.diagnosis;
    std::string target = fmt::format("target=\"{}\"", label(t.name));
    success.add(target, path_ok(d.verdict.private_judgement) ? "1" : "0");
    duration.add(target, num(d.duration_ms / 1000));
    status.add(target, std::to_string(model::exit_code(d.verdict.status)));
    verdict.add(fmt::format("{},status=\"{}\",layer=\"{}\",path=\"{}\"", target, model::status_name(d.verdict.status),
                            model::layer_name(d.verdict.layer), model::path_name(d.verdict.path)),
                "1");
    auto add_path = [&](const model::PathResult& p, const std::vector<model::LayerResult>& layers,
                        const std::optional<model::PathJudgement>& judgement) {
      std::string tp = fmt::format("{},path=\"{}\"", target, model::path_name(p.role));
      path_success.add(tp, path_ok(judgement) ? "1" : "0");
      for (const auto& l : layers) {
        if (l.check == Check::skipped) continue;
        std::string tpl = fmt::format("{},layer=\"{}\"", tp, model::layer_name(l.layer));
        layer_tested.add(tpl, l.check == Check::not_tested ? "0" : "1");
        if (l.check != Check::not_tested) layer_success.add(tpl, l.check == Check::fail ? "0" : "1");
      }
      if (auto probe_rtt = answer_rtt(p)) rtt.add(fmt::format("{},probe=\"{}\"", tp, probe_rtt->first), num(probe_rtt->second / 1000));
      for (const auto& [probe, series] : {std::pair{"icmp", model::summarize(p.echoes)}, std::pair{"tcp", model::summarize(p.syns)}})
        if (series.sent > 0) loss.add(fmt::format("{},probe=\"{}\"", tp, probe), num(series.loss_percent() / 100));
      if (p.app_result) {
        const auto& a = *p.app_result;
        if (a.tls && a.tls->earliest_expiry) cert_expiry.add(tp, std::to_string(a.tls->earliest_expiry));
        if (a.first_byte_ms)
          app_first_byte.add(fmt::format("{},protocol=\"{}\"", tp, model::app_protocol_name(a.protocol)), num(*a.first_byte_ms / 1000));
      }
    };
    add_path(d.private_path, d.private_layers, d.verdict.private_judgement);
    if (d.public_path) add_path(*d.public_path, d.public_layers, d.verdict.public_judgement);
  }
  for (const auto& a : r.audits) {
    std::map<std::pair<std::string, std::string>, int> by_state, by_class;
    for (const auto& e : a.report.entries) {
      by_state[{e.dev, model::neigh_state_name(e.before.state)}]++;
      by_class[{e.dev, model::neigh_class_name(model::neigh_class(e))}]++;
    }
    for (const auto& [k, n] : by_state)
      neigh_entries.add(fmt::format("interface=\"{}\",state=\"{}\"", label(k.first), k.second), std::to_string(n));
    for (const auto& [k, n] : by_class)
      neigh_findings.add(fmt::format("interface=\"{}\",class=\"{}\"", label(k.first), k.second), std::to_string(n));
  }
  // The fleet view: one series per problem entry, so that Prometheus can tell which nodes still
  // hold the old MAC of an address; bounded, so that a broken segment cannot flood it.
  constexpr int kMaxProblemSeries = 200;
  int listed = 0, omitted = 0;
  for (const auto& a : r.audits)
    for (const auto& e : a.report.entries) {
      const auto c = model::neigh_class(e);
      if (c != model::NeighClass::stale && c != model::NeighClass::conflict && c != model::NeighClass::silent) continue;
      if (listed == kMaxProblemSeries) {
        ++omitted;
        continue;
      }
      ++listed;
      std::string answering;
      for (const auto& m : e.answering) answering += (answering.empty() ? "" : " ") + m.to_string();
      neigh_problem.add(fmt::format("interface=\"{}\",ip=\"{}\",class=\"{}\",cached_mac=\"{}\",answering_mac=\"{}\"", label(e.dev),
                                    e.before.ip.to_string(), model::neigh_class_name(c),
                                    e.before.mac ? e.before.mac->to_string() : std::string(), answering),
                        "1");
    }
  if (!r.audits.empty()) neigh_omitted.add("", std::to_string(omitted));
  HealthFamilies health;
  std::vector<const model::NeighHealth*> healths;
  for (const auto& a : r.audits)
    if (a.report.health) {
      health.add(*a.report.health);
      healths.push_back(&*a.report.health);
    }
  health.finish(healths);
  check_duration.add("", num(r.duration_ms / 1000));
  deadline.add("", r.deadline_hit ? "1" : "0");
  check_status.add("", std::to_string(model::exit_code(r.status)));

  std::string out;
  for (const auto* f : {&build, &success, &duration, &status, &verdict, &path_success, &layer_success, &layer_tested, &rtt, &loss, &cert_expiry, &app_first_byte,
                        &neigh_entries, &neigh_findings, &neigh_problem, &neigh_omitted})
    if (!f->samples.empty()) out += f->text();
  out += health.text();
  for (const auto* f : {&check_duration, &deadline, &check_status})
    if (!f->samples.empty()) out += f->text();
  return out;
}

std::string check_nagios(const model::CheckReport& r) {
  const auto& warn = r.thresholds.warn;
  const auto& crit = r.thresholds.crit;
  std::string perf, problems;
  for (const auto& c : r.rtt_checks) {
    perf += fmt::format(" '{}_rtt'={:.3f}ms;{};{};0;", c.target, c.rtt_ms, warn ? warn->text : "", crit ? crit->text : "");
    if (c.status == model::Status::failing) problems += fmt::format("{}: RTT {:.1f} ms beyond {}; ", c.target, c.rtt_ms, crit->text);
    else if (c.status == model::Status::degraded) problems += fmt::format("{}: RTT {:.1f} ms beyond {}; ", c.target, c.rtt_ms, warn->text);
  }
  for (const auto& t : r.targets) {
    const auto& v = t.diagnosis.verdict;
    if (v.status != model::Status::ok)
      problems += fmt::format("{}: {} ({} layer, {} path); ", t.name, model::status_name(v.status), model::layer_name(v.layer),
                              model::path_name(v.path));
  }
  for (const auto& a : r.audits) {
    const std::string name = a.interface.empty() ? "all" : a.interface;
    perf += fmt::format(" 'neigh_{}_stale'={};;;0; 'neigh_{}_conflict'={};;;0;", name, a.report.counts.stale, name,
                        a.report.counts.conflict);
    if (a.report.status != model::Status::ok) {
      problems += fmt::format("neigh {}: {} stale, {} conflict, {} silent; ", a.interface.empty() ? "(all)" : a.interface,
                              a.report.counts.stale, a.report.counts.conflict, a.report.counts.silent);
      if (a.report.health && !a.report.health->findings.empty() && a.report.health->status != model::Status::ok)
        problems += fmt::format("neigh health: {}; ", health_finding_text(a.report.health->findings.front(), *a.report.health));
    }
  }
  perf += fmt::format(" 'duration'={:.3f}s;;;0;", r.duration_ms / 1000);
  static constexpr const char* kWords[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
  std::string summary = problems.empty() ? fmt::format("{} targets and {} audits ok", r.targets.size(), r.audits.size())
                                         : problems.substr(0, problems.size() - 2);
  for (char& c : summary)
    if (c == '|' || c == '\n') c = ' ';
  return fmt::format("VPCPROBE {} - {} |{}\n", kWords[model::exit_code(r.status)], summary, perf);
}

std::string check_error(Format f, std::string_view message) {
  if (f == Format::json || f == Format::jsonl)
    return detail::dump(json{{"schema", "vpcprobe.check.error/1"}, {"status", "unknown"}, {"error", std::string(message)}}, -1);
  if (f == Format::prometheus)
    return "# HELP vpcprobe_check_status The whole check as an exit code: 0 ok, 1 degraded, 2 failing, 3 unknown.\n"
           "# TYPE vpcprobe_check_status gauge\nvpcprobe_check_status 3\n"
           "# HELP vpcprobe_check_config_error 1 when the targets file or the options could not be used.\n"
           "# TYPE vpcprobe_check_config_error gauge\nvpcprobe_check_config_error 1\n";
  if (f == Format::nagios) {
    std::string m(message);
    for (char& c : m)
      if (c == '|' || c == '\n') c = ' ';
    return "VPCPROBE UNKNOWN - " + m + "\n";
  }
  return "";
}

std::string neigh_prometheus(const model::NeighReport& r, const std::string& interface, const std::string& version) {
  model::CheckReport cr;
  cr.version = version;
  cr.audits.push_back({interface, r.health.has_value(), r, true});
  cr.status = r.status;
  cr.duration_ms = r.duration_ms;
  return check_prometheus(cr);
}

namespace {
using CheckFn = std::string (*)(const model::CheckReport&);
struct CheckRenderer final : Renderer<model::CheckReport> {
  CheckRenderer(Format f, CheckFn fn) : format_(f), fn_(fn) {}
  std::string report(const model::CheckReport& r) const override { return fn_(r); }
  std::string error(std::string_view message) const override { return check_error(format_, message); }
  Format format_;
  CheckFn fn_;
};
}  // namespace

template <>
Result<RendererPtr<model::CheckReport>> make_renderer<model::CheckReport>(Format f, const Style&) {
  switch (f) {
    case Format::text: return std::make_unique<CheckRenderer>(f, check_text);
    case Format::json: return std::make_unique<CheckRenderer>(f, check_json);
    case Format::jsonl: return std::make_unique<CheckRenderer>(f, check_jsonl);
    case Format::prometheus: return std::make_unique<CheckRenderer>(f, check_prometheus);
    case Format::nagios: return std::make_unique<CheckRenderer>(f, check_nagios);
  }
  return fail(Errc::invalid_argument, "unknown output format");
}

}  // namespace vpcprobe::render
