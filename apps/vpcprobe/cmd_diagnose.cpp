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
#include "vpcprobe/probe/icmp.hpp"
#include "vpcprobe/probe/path.hpp"
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
  cmd->add_option("--pcap", o.pcap, "write this run's packets (with any other ARP and ICMP seen meanwhile) to a pcap file (needs CAP_NET_RAW)");
  cmd->add_option("--color", o.color, "auto, always or never (auto: on a terminal, unless NO_COLOR is set)")->capture_default_str();
  return cmd;
}

namespace {

struct OpenedSockets {
  std::optional<sys::UniqueFd> arp, icmp, icmp_df, tcp;
  model::ProbeMethod icmp_method = model::ProbeMethod::raw;
  std::string arp_missing, icmp_missing;
};

OpenedSockets open_sockets() {
  OpenedSockets s;
  if (auto arp = sys::open_arp_socket()) s.arp = std::move(*arp);
  else s.arp_missing = arp.error().code == Errc::permission ? "needs CAP_NET_RAW" : arp.error().message;
  auto icmp = sys::open_icmp_socket({});
  if (icmp) {
    s.icmp_method = icmp->method;
    s.icmp = std::move(icmp->fd);
    if (auto df = sys::open_icmp_socket({0, true, {}})) s.icmp_df = std::move(df->fd);
  } else {
    s.icmp_missing = icmp.error().code == Errc::permission ? "needs CAP_NET_RAW or net.ipv4.ping_group_range" : icmp.error().message;
  }
  if (auto tcp = sys::open_tcp_raw_socket({})) s.tcp = std::move(*tcp);
  return s;
}

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
  auto sockets = open_sockets();
  asio::io_context io;  // before everything that holds I/O objects on it
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

  // dns: both names at once, bounded by the timeout
  {
    net::PendingResolve rp(d.private_path.input, started + timeout);
    std::optional<net::PendingResolve> ru;
    if (pub) ru.emplace(d.public_path->input, started + timeout);
    auto take = [](model::PathResult& p, Result<net::Resolved> r) {
      if (r) p.target = model::TargetInfo{p.input, r->addr, r->was_name, r->resolve_ms};
      else p.dns_error = r.error().message;
    };
    take(d.private_path, rp.get());
    if (ru) take(*d.public_path, ru->get());
  }

  // route, link, neighbor entry: the kernel's view before any probe
  auto nl = net::NetlinkClient::open();
  if (!nl) return report_error(nl.error());
  probe::read_kernel_view(*nl, d.private_path);
  if (d.public_path) probe::read_kernel_view(*nl, *d.public_path);

  // every probe of both paths at once
  {
    std::vector<wire::Ipv4> hosts;
    for (const auto* p : {&d.private_path, d.public_path ? &*d.public_path : nullptr})
      if (p && p->target) hosts.push_back(p->target->addr);
    if (auto ok = pcap.start(io, hosts); !ok) return report_error(ok.error());
  }
  std::optional<net::Channel> arp_ch, icmp_ch, icmp_df_ch, tcp_ch;
  probe::PathSockets ps;
  ps.icmp_method = sockets.icmp_method;
  auto identity = probe::Identity::random();
  if (sockets.arp) ps.arp = &arp_ch.emplace(io, std::move(*sockets.arp));
  ps.arp_missing = sockets.arp_missing;
  if (sockets.icmp) {
    ps.icmp = &icmp_ch.emplace(io, std::move(*sockets.icmp));
    ps.icmp_id = identity.icmp_id();
    if (sockets.icmp_method == model::ProbeMethod::ping_socket) {
      auto bound = probe::bind_ping_socket(*ps.icmp, ps.icmp_id);
      if (!bound) return report_error(bound.error());
      ps.icmp_id = *bound;
    } else if (auto filtered = probe::filter_echo_replies(*ps.icmp, ps.icmp_id); !filtered) {
      return report_error(filtered.error());
    }
  }
  if (sockets.icmp_df) {
    ps.icmp_df = &icmp_df_ch.emplace(io, std::move(*sockets.icmp_df));
    ps.icmp_df_id = static_cast<std::uint16_t>(identity.icmp_id() + 1);
    if (sockets.icmp_method == model::ProbeMethod::ping_socket) {
      auto bound = probe::bind_ping_socket(*ps.icmp_df, ps.icmp_df_id);
      if (!bound) return report_error(bound.error());
      ps.icmp_df_id = *bound;
    } else if (auto filtered = probe::filter_echo_replies(*ps.icmp_df, ps.icmp_df_id); !filtered) {
      return report_error(filtered.error());
    }
  }
  ps.icmp_missing = sockets.icmp_missing;
  if (sockets.tcp) ps.tcp_raw = &tcp_ch.emplace(io, std::move(*sockets.tcp));

  int running = d.public_path ? 2 : 1;
  auto path_done = [&] {
    if (--running == 0) io.stop();
  };
  auto ops = probe::run_path_probes(io, ps, identity, 0, d.private_path, timeout, path_done);
  if (d.public_path) {
    auto more = probe::run_path_probes(io, ps, identity, 1, *d.public_path, timeout, path_done);
    ops.insert(ops.end(), more.begin(), more.end());
  }
  // A global deadline always ends the run, whatever a probe does.
  asio::steady_timer deadline(io);
  deadline.expires_at(started + timeout + std::chrono::milliseconds(300));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (!ec) io.stop();
  });
  bool interrupted = false;
  auto signals = on_interrupt(io, [&] {
    interrupted = true;
    io.stop();
  });
  if (running > 0) io.run();
  pcap.finish();

  probe::read_neighbor_after(*nl, d.private_path);
  if (d.public_path) probe::read_neighbor_after(*nl, *d.public_path);
  d.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (interrupted) {
    for (auto* p : {&d.private_path, d.public_path ? &*d.public_path : nullptr}) {
      if (!p) continue;
      if (p->next_hop && !p->arp && !p->arp_not_run) p->arp_not_run = "interrupted (needs CAP_NET_RAW)";
      if (!p->echo && !p->echo_not_run) p->echo_not_run = "interrupted";
      if (p->port && !p->tcp && !p->tcp_not_run) p->tcp_not_run = "interrupted";
      if (p->mtu_probes.empty() && !p->mtu_not_run) p->mtu_not_run = "interrupted";
    }
  }
  diag::judge(d);
  if (interrupted) d.verdict.evidence.push_back("interrupted before every probe finished");
  print(o.json ? render::diagnose_json(d) : render::diagnose_text(d, use_color(o.color)));
  return model::exit_code(d.verdict.status);
}

}  // namespace vpcprobe::app
