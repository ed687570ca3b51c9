// vpcprobe diagnose --private HOST[:PORT] [--public HOST[:PORT]]: every layer of both paths at
// once, compared, and the failing layer named with evidence and a fix.
#include <unistd.h>

#include <cstdlib>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "vpcprobe/diag/verdict.hpp"
#include "vpcprobe/render/diagnose.hpp"

namespace vpcprobe::app {

CLI::App* Diagnose::setup(CLI::App& parent, Options& o) {
  auto* cmd = parent.add_subcommand("diagnose", "compare the private and the public path layer by layer and name the failing layer");
  cmd->add_option("--private", o.private_target, "HOST[:PORT] of the service on the private (VPC) path")->required();
  cmd->add_option("--public", o.public_target, "HOST[:PORT] of the same service on its public path");
  cmd->add_option("-p,--port", o.port, "TCP port for paths given without one");
  cmd->add_option("--timeout", o.timeout, "seconds every probe may wait; the whole diagnosis takes about this long")->capture_default_str();
  cmd->add_option("-c,--count", o.count, "echoes and SYNs per series (more when they disagree); connect() sends at most 3")
      ->capture_default_str();
  cmd->add_option("--app", o.app.app,
                  "the application check over a real connection: auto (by port: 5432 postgres, 443/8443/6443 tls, 80/8080 http, "
                  "6379 redis, 3306 mysql), none, postgres, tls, http, redis or mysql")
      ->capture_default_str();
  cmd->add_option("--sni", o.app.sni, "TLS server name (default: the name typed; none for an address)");
  cmd->add_option("--http-path", o.app.http_path, "http: the path of the HEAD request")->capture_default_str();
  cmd->add_flag("--verify-cert", o.app.verify_cert, "tls: a certificate that does not verify against the system store fails (default: a warning)");
  add_family_flags(*cmd, o.family);
  cmd->add_flag("--json", o.json, "print one JSON object (schema vpcprobe.diagnose/1)");
  add_pcap_option(*cmd, o.pcap);
  cmd->add_option("--color", o.color, "auto, always or never (auto: on a terminal, unless NO_COLOR is set)")->capture_default_str();
  return cmd;
}

bool Diagnose::color(const Options& o) {
  if (o.color == "always") return true;
  if (o.color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

namespace {
// One path as typed: --private/--public, with -p for a path given without its port.
Result<model::PathResult> path_of(model::Path role, const std::string& text, const char* option, const std::string& default_port,
                                  const model::AppChoice& app, model::FamilyPolicy families) {
  auto e = target_endpoint(text, families);
  if (!e) return fail(Errc::invalid_argument, fmt::format("{}: {}", option, e.error().message));
  if (!e->zone.empty())
    return fail(Errc::invalid_argument, fmt::format("{}: a link-local target (%{}) is a neighbor, not a service path: use "
                                                    "`vpcprobe arp`, `ping` or `tcp` for it", option, e->zone));
  model::PathResult p;
  p.role = role;
  p.endpoint = *e;
  p.input = e->host;
  p.port = e->port;
  if (!p.port && !default_port.empty()) {
    auto port = model::parse_port(default_port);
    if (!port) return fail(Errc::invalid_argument, fmt::format("--port: {}", port.error().message));
    p.port = *port;
  }
  p.app = model::app_spec_for(app, p.port);
  return p;
}
}  // namespace

Result<void> Diagnose::validate(const Options& o) {
  if (o.color != "auto" && o.color != "always" && o.color != "never")
    return fail(Errc::invalid_argument, fmt::format("--color must be auto, always or never, got '{}'", o.color));
  if (!o.port.empty())
    if (auto port = model::parse_port(o.port); !port) return fail(Errc::invalid_argument, fmt::format("--port: {}", port.error().message));
  return first_failure(check_seconds("--timeout", o.timeout, 0.05, 60), check_count("--count", o.count, probe::PathPlan::kMaxCount), parses(path_of(model::Path::private_, o.private_target, "--private", o.port, o.app, o.family.policy())),
                o.public_target.empty() ? Result<void>() : parses(path_of(model::Path::public_, o.public_target, "--public", o.port, o.app, o.family.policy())),
                model::check_app_choice(o.app));
}

Result<Diagnose::Sockets> Diagnose::open(const Options& o) {
  // The families the two paths may need: a literal's own, a name's every one the run speaks.
  auto families = model::families_for(path_of(model::Path::private_, o.private_target, "--private", o.port, o.app, o.family.policy())->endpoint, o.family.policy());
  if (!o.public_target.empty()) {
    auto pub = model::families_for(path_of(model::Path::public_, o.public_target, "--public", o.port, o.app, o.family.policy())->endpoint, o.family.policy());
    families.v4 = families.v4 || pub.v4;
    families.v6 = families.v6 || pub.v6;
  }
  return probe::open_diagnosis_sockets(families);
}

Result<model::Status> Diagnose::run(const Options& o, Sockets& s, Runtime<Report>& rt) {
  const auto started = std::chrono::steady_clock::now();
  const auto timeout = millis(o.timeout);
  model::Diagnosis d;
  d.timeout_s = o.timeout;
  d.private_path = *path_of(model::Path::private_, o.private_target, "--private", o.port, o.app, o.family.policy());
  if (!o.public_target.empty()) d.public_path = *path_of(model::Path::public_, o.public_target, "--public", o.port, o.app, o.family.policy());
  std::vector<model::Diagnosis*> diags{&d};

  // dns (both names at once, bounded by the timeout), then the kernel's view before any probe
  auto nl = rt.netlink();
  if (!nl) return std::unexpected(nl.error());
  probe::prepare(diags, started + timeout, **nl, o.family.policy());
  if (auto ok = rt.start_capture(probe::targets_of(diags)); !ok) return std::unexpected(ok.error());
  auto channels = probe::DiagnosisChannels::create(rt.io(), std::move(s), rt.identity());
  if (!channels) return std::unexpected(channels.error());
  if (auto ok = (*channels)->watch_hosts(probe::targets_of(diags)); !ok) return std::unexpected(ok.error());

  // every probe of both paths at once; a global deadline always ends the run
  bool finished = false;
  const probe::PathPlan plan{timeout, static_cast<int>(o.count)};
  auto schedule = probe::start(rt.io(), **channels, rt.identity(), diags, plan, {}, [&] {
    finished = true;
    rt.stop();
  });
  asio::steady_timer deadline(rt.io());
  deadline.expires_at(started + timeout + std::chrono::milliseconds(300));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (!ec) rt.stop();
  });
  if (!finished) rt.run();
  probe::conclude(diags, **nl, !finished, started);
  diag::judge(d);
  rt.emit(d);
  return d.verdict.status;
}

}  // namespace vpcprobe::app
