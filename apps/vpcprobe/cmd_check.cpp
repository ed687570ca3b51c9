// vpcprobe check -f targets.toml: many named diagnoses and neighbor audits at once, under one
// deadline, for cron, node_exporter's textfile collector and Nagios.
#include <cmath>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "vpcprobe/config/targets.hpp"
#include "vpcprobe/render/check.hpp"
#include "vpcprobe/run/check.hpp"
#include "vpcprobe/sys/atomic_write.hpp"
#include "vpcprobe/sys/limits.hpp"

namespace vpcprobe::app {

CLI::App* Check::setup(CLI::App& parent, Options& o) {
  auto* cmd = parent.add_subcommand("check", "run the diagnoses and neighbor audits of a targets file at once (cron, Prometheus, Nagios)");
  cmd->add_option("-f,--file", o.file, "targets file (TOML)")->required();
  cmd->add_option("-o,--output", o.output, "text, json, jsonl, prometheus or nagios")->capture_default_str();
  cmd->add_option("--deadline", o.deadline, "seconds the whole check may take, always honoured")->capture_default_str();
  cmd->add_option("--rate", o.rate, "packets per second, all targets together (approximate)")->capture_default_str();
  cmd->add_option("--textfile-dir", o.textfile_dir, "also write Prometheus metrics to DIR/vpcprobe.prom, atomically");
  cmd->add_option("-w,--warning", o.warn, "nagios: RTT range in ms that is fine (plugin range syntax, e.g. 100)");
  cmd->add_option("-c,--critical", o.crit, "nagios: RTT range in ms beyond which the target is critical");
  auto* watch = cmd->add_option("--watch", o.watch,
                                "repeat every INTERVAL seconds (a node agent writing --textfile-dir); each round is reported");
  cmd->add_option("--rounds", o.rounds, "with --watch: stop after N rounds (default: until SIGINT/SIGTERM)");
  cmd->callback([&o, watch] { o.watch_given = watch->count() > 0; });
  return cmd;
}

render::Format Check::format(const Options& o) { return render::parse_format(o.output).value_or(render::Format::text); }

Result<void> Check::validate(const Options& o) {
  auto bad = [](std::string m) { return fail(Errc::invalid_argument, std::move(m)); };
  if (!render::parse_format(o.output)) return bad(fmt::format("--output must be text, json, jsonl, prometheus or nagios, got '{}'", o.output));
  if (auto ok = check_seconds("--deadline", o.deadline, 0.1, 3600); !ok) return ok;
  if (!std::isfinite(o.rate) || o.rate < 10 || o.rate > 100000) return bad(fmt::format("--rate must be 10 to 100000 packets per second, got {}", o.rate));
  if (!o.warn.empty() && !model::parse_nagios_range(o.warn)) return bad(fmt::format("-w '{}' is not a Nagios range", o.warn));
  if (!o.crit.empty() && !model::parse_nagios_range(o.crit)) return bad(fmt::format("-c '{}' is not a Nagios range", o.crit));
  if (o.watch_given || o.watch != 0)
    if (auto ok = check_seconds("--watch", o.watch, 0.01, 86400); !ok) return ok;
  if (o.rounds < 0) return bad("--rounds must be 0 (no limit) or more");
  if (o.rounds > 0 && o.watch == 0) return bad("--rounds goes with --watch");
  return {};
}

Result<Check::Sockets> Check::open(const Options&) { return probe::open_diagnosis_sockets(); }

Result<model::Status> Check::run(const Options& o, Sockets& s, Runtime<Report>& rt) {
  // The targets file is read after the drop, with the caller's own rights, and never more than 1 MiB
  // of it (a huge or endless file, such as /dev/zero, is refused, not slurped).
  auto text = sys::read_file_capped(o.file, 1 << 20);
  if (!text) return fail(Errc::invalid_argument, fmt::format("targets file: {}", text.error().message));
  auto targets = config::parse_targets(*text, o.file);
  if (!targets) return std::unexpected(targets.error());

  const double timeout_s = std::min(targets->timeout.value_or(1.0), o.deadline);
  auto nl = rt.netlink();
  if (!nl) return std::unexpected(nl.error());
  auto channels = probe::DiagnosisChannels::create(rt.io(), std::move(s), rt.identity());
  if (!channels) return std::unexpected(channels.error());

  // One round: plan, start, deadline, conclude, write the textfile, report. --watch repeats it
  // on the same sockets.
  std::optional<Error> fatal;
  std::optional<model::Status> last;
  std::unique_ptr<model::CheckReport> report;
  std::unique_ptr<run::CheckRun> check;
  bool in_round = false;
  asio::steady_timer deadline(rt.io());
  std::chrono::steady_clock::time_point started;
  auto stop_with = [&](Error e) {
    fatal = std::move(e);
    rt.stop();
  };
  rt.on_interrupt([&] {
    if (in_round && check) check->cut();  // the round ends with what it has, and is reported
    else rt.stop();
  });
  rt.repeat(millis(o.watch), o.watch > 0 ? o.rounds : 1, [&](std::function<void()> round_done) {
    started = std::chrono::steady_clock::now();
    const auto deadline_at = started + millis(o.deadline);
    check.reset();
    report = std::make_unique<model::CheckReport>(run::plan_check(*targets, timeout_s));
    report->version = VPCPROBE_VERSION;
    report->deadline_s = o.deadline;
    if (!o.warn.empty()) report->thresholds.warn = model::parse_nagios_range(o.warn);
    if (!o.crit.empty()) report->thresholds.crit = model::parse_nagios_range(o.crit);
    run::CheckSpec spec{o.rate, millis(timeout_s), std::min(started + millis(timeout_s), deadline_at)};
    in_round = true;
    auto finished = [&, round_done] {
      // posted: `check` is set even when everything finished inside start()
      asio::post(rt.io(), [&, round_done] {
        in_round = false;
        deadline.cancel();
        if (auto ok = check->conclude(started); !ok) return stop_with(ok.error());
        if (!o.textfile_dir.empty())
          if (auto ok = sys::write_file_atomically(o.textfile_dir, "vpcprobe.prom", render::check_prometheus(*report)); !ok)
            return stop_with(ok.error());
        rt.emit(*report);
        last = report->status;
        round_done();
      });
    };
    auto started_run = run::CheckRun::start(rt.io(), **nl, **channels, rt.identity(), *report, spec, finished);
    if (!started_run) return stop_with(started_run.error());
    check = std::move(*started_run);
    deadline.expires_at(deadline_at);
    deadline.async_wait([&](boost::system::error_code ec) {
      if (ec || !in_round) return;
      report->deadline_hit = true;
      check->cut();
    });
  });
  if (fatal) return std::unexpected(*fatal);
  if (!last) return fail(Errc::system, "interrupted before the first round finished");
  return *last;
}

}  // namespace vpcprobe::app
