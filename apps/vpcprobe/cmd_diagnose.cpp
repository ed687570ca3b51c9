// vpcprobe diagnose --private HOST[:PORT] [--public HOST[:PORT]]: every layer of both paths at
// once, compared, and the failing layer named with evidence and a fix.
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "vpcprobe/diag/verdict.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/probe/session.hpp"
#include "vpcprobe/render/diagnose.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::app {

CLI::App* setup_diagnose(CLI::App& parent, DiagnoseOptions& o) {
  auto* cmd = parent.add_subcommand("diagnose", "compare the private and the public path layer by layer and name the failing layer");
  cmd->add_option("--private", o.private_target, "HOST[:PORT] of the service on the private (VPC) path")->required();
  cmd->add_option("--public", o.public_target, "HOST[:PORT] of the same service on its public path");
  cmd->add_option("-p,--port", o.port, "TCP port for paths given without one");
  cmd->add_option("--timeout", o.timeout, "seconds every probe may wait; the whole diagnosis takes about this long")->capture_default_str();
  cmd->add_flag("--json", o.json, "print one JSON object (schema vpcprobe.diagnose/1)");
  add_pcap_option(*cmd, o.pcap);
  cmd->add_option("--color", o.color, "auto, always or never (auto: on a terminal, unless NO_COLOR is set)")->capture_default_str();
  return cmd;
}

namespace {

bool use_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

}  // namespace

int run_diagnose(const DiagnoseOptions& o) {
  if (auto ok = check_seconds("--timeout", o.timeout, 0.05, 60); !ok) return report_error(ok.error());
  if (o.color != "auto" && o.color != "always" && o.color != "never")
    return report_error(fmt::format("--color must be auto, always or never, got '{}'", o.color), kExitUnknown);
  std::optional<std::uint16_t> default_port;
  if (!o.port.empty()) {
    auto p = parse_ports(o.port);
    if (!p || p->size() != 1) return report_error(fmt::format("--port: '{}' is not a port (1-65535)", o.port), kExitUnknown);
    default_port = p->front();
  }
  auto priv = parse_host_port(o.private_target, "--private");
  if (!priv) return report_error(priv.error());
  std::optional<HostPort> pub;
  if (!o.public_target.empty()) {
    auto p = parse_host_port(o.public_target, "--public");
    if (!p) return report_error(p.error());
    pub = *p;
  }

  // Privileged sockets first, then no privilege at all. What could not be opened is not tested.
  asio::io_context io;  // before everything that holds I/O objects on it
  auto sockets = probe::open_diagnosis_sockets();
  PcapOption pcap(o.pcap);
  if (auto ok = pcap.open_privileged(); !ok) return report_error(ok.error());
  if (auto dropped = sys::drop_privileges(); !dropped) return report_error(dropped.error());

  auto started = std::chrono::steady_clock::now();
  auto timeout = std::chrono::milliseconds(static_cast<long>(o.timeout * 1000));
  model::Diagnosis d;
  d.timeout_s = o.timeout;
  auto init_path = [&](model::PathResult& p, const char* role, const HostPort& hp) {
    p.role = role;
    p.input = hp.host;
    p.port = hp.port ? hp.port : default_port;
  };
  init_path(d.private_path, "private", *priv);
  if (pub) {
    d.public_path.emplace();
    init_path(*d.public_path, "public", *pub);
  }
  std::vector<model::Diagnosis*> diags{&d};

  // dns (both names at once, bounded by the timeout), then the kernel's view before any probe
  auto nl = net::NetlinkClient::open();
  if (!nl) return report_error(nl.error());
  probe::prepare(diags, started + timeout, *nl);

  std::vector<wire::Ipv4> hosts;
  for (const auto* p : {&d.private_path, d.public_path ? &*d.public_path : nullptr})
    if (p && p->target) hosts.push_back(p->target->addr);
  if (auto ok = pcap.start(io, hosts); !ok) return report_error(ok.error());
  auto identity = probe::Identity::random();
  auto channels = probe::DiagnosisChannels::create(io, std::move(sockets), identity);
  if (!channels) return report_error(channels.error());

  // every probe of both paths at once; a global deadline always ends the run
  bool finished = false, cut_short = false;
  auto schedule = probe::start(io, **channels, identity, diags, timeout, {}, [&] {
    finished = true;
    io.stop();
  });
  asio::steady_timer deadline(io);
  deadline.expires_at(started + timeout + std::chrono::milliseconds(300));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (!ec) io.stop();
  });
  auto signals = on_interrupt(io, [&] { io.stop(); });
  if (!finished) io.run();
  cut_short = !finished;
  pcap.finish();
  probe::conclude(diags, *nl, cut_short, started);
  print(o.json ? render::diagnose_json(d) : render::diagnose_text(d, use_color(o.color)));
  return model::exit_code(d.verdict.status);
}

}  // namespace vpcprobe::app
