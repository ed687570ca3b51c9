// vpcprobe check -f targets.toml: many named diagnoses and neighbor audits at once, under one
// deadline, for cron, node_exporter's textfile collector and Nagios.
#include <chrono>
#include <cmath>
#include <fstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "vpcprobe/config/targets.hpp"
#include "vpcprobe/diag/neigh_audit.hpp"
#include "vpcprobe/probe/neigh_verify.hpp"
#include "vpcprobe/probe/session.hpp"
#include "vpcprobe/render/check.hpp"
#include "vpcprobe/sys/atomic_write.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::app {

CLI::App* setup_check(CLI::App& parent, CheckOptions& o) {
  auto* cmd = parent.add_subcommand("check", "run the diagnoses and neighbor audits of a targets file at once (cron, Prometheus, Nagios)");
  cmd->add_option("-f,--file", o.file, "targets file (TOML)")->required();
  cmd->add_option("-o,--output", o.output, "text, json, jsonl, prometheus or nagios")->capture_default_str();
  cmd->add_option("--deadline", o.deadline, "seconds the whole check may take, always honoured")->capture_default_str();
  cmd->add_option("--rate", o.rate, "packets per second, all targets together (approximate)")->capture_default_str();
  cmd->add_option("--textfile-dir", o.textfile_dir, "also write Prometheus metrics to DIR/vpcprobe.prom, atomically");
  cmd->add_option("-w,--warning", o.warn, "nagios: RTT range in ms that is fine (plugin range syntax, e.g. 100)");
  cmd->add_option("-c,--critical", o.crit, "nagios: RTT range in ms beyond which the target is critical");
  return cmd;
}

namespace {

std::string version() { return VPCPROBE_VERSION; }

}  // namespace

int run_check(const CheckOptions& o) {
  const std::string& fmt_out = o.output;
  auto bad = [&](const std::string& message) {
    if (fmt_out == "json" || fmt_out == "jsonl" || fmt_out == "prometheus" || fmt_out == "nagios")
      print(render::check_error(fmt_out, message));
    return report_error(message, kExitUnknown);
  };
  if (fmt_out != "text" && fmt_out != "json" && fmt_out != "jsonl" && fmt_out != "prometheus" && fmt_out != "nagios")
    return report_error(fmt::format("--output must be text, json, jsonl, prometheus or nagios, got '{}'", fmt_out), kExitUnknown);
  if (auto ok = check_seconds("--deadline", o.deadline, 0.1, 3600); !ok) return bad(ok.error().message);
  if (!std::isfinite(o.rate) || o.rate < 10 || o.rate > 100000) return bad(fmt::format("--rate must be 10 to 100000 packets per second, got {}", o.rate));
  std::optional<render::NagiosRange> warn, crit;
  if (!o.warn.empty() && !(warn = render::parse_nagios_range(o.warn))) return bad(fmt::format("-w '{}' is not a Nagios range", o.warn));
  if (!o.crit.empty() && !(crit = render::parse_nagios_range(o.crit))) return bad(fmt::format("-c '{}' is not a Nagios range", o.crit));

  // Privileged sockets first; the targets file is read afterwards, with the caller's own rights.
  asio::io_context io;
  auto sockets = probe::open_diagnosis_sockets();
  if (auto dropped = sys::drop_privileges(); !dropped) return report_error(dropped.error());
  std::ifstream in(o.file);
  if (!in) return bad(fmt::format("cannot read targets file {}", o.file));
  // Read at most 1 MiB and one byte: a huge (or endless, e.g. /dev/zero) file is refused, not slurped.
  constexpr std::size_t kMaxFile = 1 << 20;
  std::string text(kMaxFile + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFile) return bad(fmt::format("targets file {} is larger than 1 MiB", o.file));
  auto targets = config::parse_targets(text, o.file);
  if (!targets) return bad(targets.error().message);

  auto started = std::chrono::steady_clock::now();
  auto deadline_at = started + std::chrono::milliseconds(static_cast<long>(o.deadline * 1000));
  double timeout_s = std::min(targets->timeout.value_or(1.0), o.deadline);
  auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));

  model::CheckReport report;
  report.version = version();
  report.deadline_s = o.deadline;
  report.targets.reserve(targets->targets.size());
  for (const auto& t : targets->targets) {
    model::NamedDiagnosis nd;
    nd.name = t.name;
    nd.diagnosis.timeout_s = timeout_s;
    auto init = [&](model::PathResult& p, const char* role, const config::Endpoint& e) {
      p.role = role;
      p.input = e.host;
      p.port = e.port ? e.port : targets->port;
    };
    init(nd.diagnosis.private_path, "private", t.private_path);
    if (t.public_path) init(nd.diagnosis.public_path.emplace(), "public", *t.public_path);
    report.targets.push_back(std::move(nd));
  }
  std::vector<model::Diagnosis*> diags;
  for (auto& t : report.targets) diags.push_back(&t.diagnosis);

  auto nl = net::NetlinkClient::open();
  if (!nl) return bad(nl.error().message);
  probe::prepare(diags, std::min(started + timeout, deadline_at), *nl);
  auto identity = probe::Identity::random();
  auto channels = probe::DiagnosisChannels::create(io, std::move(sockets), identity);
  if (!channels) return bad(channels.error().message);

  // Neighbor audits share the ARP socket; what cannot be verified stays unchecked.
  int pending = 0;
  auto one_done = [&] {
    if (--pending == 0) io.stop();
  };
  std::vector<probe::InterfaceView> views(targets->neigh.size());
  std::vector<std::shared_ptr<probe::Schedule>> schedules;
  report.audits.resize(targets->neigh.size());
  for (std::size_t i = 0; i < targets->neigh.size(); ++i) {
    auto& a = report.audits[i];
    a.interface = targets->neigh[i].interface;
    int ifindex = 0;
    if (!a.interface.empty()) {
      auto link = nl->link_by_name(a.interface);
      if (!link) return bad(fmt::format("neigh: {}", link.error().message));
      ifindex = link->ifindex;
    }
    auto entries = nl->neigh_dump(ifindex);
    if (!entries) return bad(entries.error().message);
    auto view = probe::read_interfaces(*nl, *entries);
    if (!view) return bad(view.error().message);
    views[i] = std::move(*view);
    for (const auto& e : *entries) {
      model::NeighAudit au;
      const auto* l = views[i].link(e.ifindex);
      au.dev = l ? l->name : fmt::format("if{}", e.ifindex);
      au.before = e;
      a.report.entries.push_back(std::move(au));
    }
    a.report.verified = (*channels)->arp() != nullptr;
    if (!(*channels)->arp()) continue;
    probe::VerifySpec spec;
    spec.rate_pps = o.rate / 2;
    spec.timeout = timeout;
    ++pending;
    schedules.push_back(probe::async_verify(io, *(*channels)->arp(), views[i], a.report.entries, spec, [&a, &one_done] {
      a.finished = true;
      one_done();
    }));
  }
  // Each path sends about 16 packets (2 ARP, 1 echo, up to 12 DF echoes, 1 SYN): space the paths.
  auto gap = std::chrono::duration_cast<probe::Schedule::Duration>(std::chrono::duration<double>(16.0 / o.rate));
  bool diagnoses_done = diags.empty();
  ++pending;
  schedules.push_back(probe::start(io, **channels, identity, diags, timeout, gap, [&] {
    diagnoses_done = true;
    one_done();
  }));
  asio::steady_timer deadline(io);
  deadline.expires_at(deadline_at);
  deadline.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    report.deadline_hit = true;
    io.stop();
  });
  auto signals = on_interrupt(io, [&] { io.stop(); });
  if (pending > 0) io.run();

  probe::conclude(diags, *nl, !diagnoses_done, started);
  std::vector<model::Status> statuses;
  for (const auto& t : report.targets) statuses.push_back(t.diagnosis.verdict.status);
  for (auto& a : report.audits) {
    a.report.counts = diag::count(a.report);
    a.report.status = a.finished ? diag::neigh_status(a.report.counts) : model::Status::unknown;
    statuses.push_back(a.report.status);
  }
  report.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  report.status = model::aggregate_status(statuses);

  if (!o.textfile_dir.empty())
    if (auto ok = sys::write_file_atomically(o.textfile_dir, "vpcprobe.prom", render::check_prometheus(report)); !ok)
      return bad(ok.error().message);
  if (fmt_out == "nagios") {
    auto n = render::check_nagios(report, warn, crit);
    print(n.line);
    return model::exit_code(n.status);
  }
  if (fmt_out == "json") print(render::check_json(report));
  else if (fmt_out == "jsonl") print(render::check_jsonl(report));
  else if (fmt_out == "prometheus") print(render::check_prometheus(report));
  else print(render::check_text(report));
  return model::exit_code(report.status);
}

}  // namespace vpcprobe::app
