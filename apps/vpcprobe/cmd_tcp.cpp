// vpcprobe tcp HOST:PORT | HOST -p PORTS: open, closed (RST), rejected (ICMP, with its code) or
// filtered (silence) — the distinction nc and a connect() timeout blur.
#include <algorithm>
#include <chrono>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "vpcprobe/diag/probe_status.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/probe/identity.hpp"
#include "vpcprobe/probe/tcp.hpp"
#include "vpcprobe/render/probes.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::app {

CLI::App* setup_tcp(CLI::App& parent, TcpOptions& o) {
  auto* cmd = parent.add_subcommand("tcp", "TCP SYN probe: open, closed, rejected (ICMP code) or filtered");
  cmd->add_option("target", o.target, "HOST:PORT, or HOST with -p")->required();
  cmd->add_option("-p,--port", o.ports, "port list: 5432 or 80,443 or 8000-8010");
  cmd->add_option("-c,--count", o.count, "probes per port")->capture_default_str();
  cmd->add_option("-i,--interval", o.interval, "seconds between rounds of probes")->capture_default_str();
  cmd->add_option("-w,--timeout", o.timeout, "seconds to wait for each answer")->capture_default_str();
  cmd->add_flag("--connect", o.connect, "use an unprivileged connect() instead of a raw SYN");
  cmd->add_option("-I,--interface", o.interface, "send through this interface");
  cmd->add_flag("--json", o.json, "print one JSON object (schema vpcprobe.tcp/1)");
  add_pcap_option(*cmd, o.pcap);
  return cmd;
}

int run_tcp(const TcpOptions& o) {
  std::string host = o.target;
  std::string port_text = o.ports;
  if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon) {
    if (!port_text.empty()) return report_error("give the port either as HOST:PORT or with -p, not both", kExitUnknown);
    port_text = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (port_text.empty()) return report_error("no port: use HOST:PORT or -p PORT", kExitUnknown);
  auto ports = parse_ports(port_text);
  if (!ports) return report_error(ports.error());
  for (auto check : {check_count("--count", o.count, 1000), check_seconds("--interval", o.interval, 0.0, 3600),
                     check_seconds("--timeout", o.timeout, 0.001, 3600), check_interface(o.interface),
                     net::check_host_syntax(host)})
    if (!check) return report_error(check.error());

  // Raw SYN when CAP_NET_RAW is there (the ICMP socket lets us see rejections); connect() otherwise.
  sys::SocketOptions sopts{0, false, o.interface};
  std::optional<sys::UniqueFd> tcp_fd, icmp_fd;
  model::TcpReport report;
  report.method = model::ProbeMethod::connect;
  if (!o.connect) {
    auto tcp = sys::open_tcp_raw_socket(sopts);
    if (tcp) {
      auto icmp = sys::open_icmp_socket(sopts, false);
      if (!icmp) return report_error(icmp.error());
      tcp_fd = std::move(*tcp);
      icmp_fd = std::move(icmp->fd);
      report.method = model::ProbeMethod::raw;
    } else if (tcp.error().code != Errc::permission) {
      return report_error(tcp.error());
    }
  }
  asio::io_context io;  // before everything that holds I/O objects on it
  PcapOption pcap(o.pcap);
  if (auto ok = pcap.open_privileged(); !ok) return report_error(ok.error());
  if (auto dropped = sys::drop_privileges(); !dropped) return report_error(dropped.error());

  auto target = resolve_target(host);
  if (!target) return report_resolve_error(target.error());
  report.target = *target;
  report.ports = *ports;

  // A raw SYN needs the source address the kernel would use, for the checksum and for matching.
  wire::Ipv4 src;
  if (report.method == model::ProbeMethod::raw) {
    auto nl = net::NetlinkClient::open();
    if (!nl) return report_error(nl.error());
    int oif = 0;
    if (!o.interface.empty()) {
      auto link = nl->link_by_name(o.interface);
      if (!link) return report_error(link.error());
      oif = link->ifindex;
    }
    auto route = nl->route_get(report.target.addr, oif);
    if (!route) return report_error(route.error());
    if (!route->usable() || !route->prefsrc)
      return report_error(fmt::format("no route to {} ({} route)", report.target.addr.to_string(),
                                      model::route_type_name(route->type)), kExitFailing);
    src = *route->prefsrc;
  }

  if (auto ok = pcap.start(io, {report.target.addr}); !ok) return report_error(ok.error());
  std::optional<net::Channel> tcp_ch, icmp_ch;
  if (tcp_fd) tcp_ch.emplace(io, std::move(*tcp_fd));
  if (icmp_fd) icmp_ch.emplace(io, std::move(*icmp_fd));
  auto identity = probe::Identity::random();
  if (!o.json) print(render::tcp_header(report));

  // Each round probes every port at once; rounds are --interval apart.
  struct Item { std::uint16_t port; int attempt; };
  std::vector<Item> items;
  std::vector<probe::Schedule::Duration> offsets;
  auto interval = std::chrono::milliseconds(static_cast<long>(o.interval * 1000));
  for (int a = 1; a <= o.count; ++a)
    for (auto p : report.ports) {
      items.push_back({p, a});
      offsets.push_back(interval * (a - 1));
    }
  // connect() needs a descriptor per probe in flight: keep the batch within `ulimit -n`, so a low
  // limit makes the run slower, not broken.
  if (report.method == model::ProbeMethod::connect) {
    std::size_t room = descriptors_available();
    if (room < items.size()) {
      auto batch_gap = std::chrono::milliseconds(static_cast<long>(o.timeout * 1000) + 50);
      for (std::size_t k = 0; k < items.size(); ++k)
        offsets[k] = std::max<probe::Schedule::Duration>(offsets[k], batch_gap * static_cast<long>(k / room));
      report_error(fmt::format("ulimit -n leaves room for {} sockets at once; probing in batches of {}", room, room), 0);
    }
  }
  std::vector<std::optional<model::TcpResult>> results(items.size());
  auto timeout = std::chrono::milliseconds(static_cast<long>(o.timeout * 1000));
  auto started = std::chrono::steady_clock::now();
  auto schedule = std::make_shared<probe::Schedule>(
      io, offsets,
      [&](int i, std::function<void()> completed) {
        const auto& item = items[static_cast<std::size_t>(i)];
        auto on_done = [&, i, completed](model::TcpResult r) {
          results[static_cast<std::size_t>(i)] = r;
          if (!o.json) print(render::tcp_line(report, r));
          completed();
        };
        if (report.method == model::ProbeMethod::raw) {
          probe::SynSpec spec;
          spec.src = src;
          spec.dst = report.target.addr;
          spec.dport = item.port;
          spec.sport = identity.tcp_source_port(i);
          spec.isn = identity.tcp_isn(spec.src, spec.dst, spec.sport, spec.dport);
          spec.attempt = item.attempt;
          spec.timeout = timeout;
          return probe::async_tcp_syn(io, *tcp_ch, &*icmp_ch, spec, on_done);
        }
        probe::ConnectSpec spec{report.target.addr, item.port, item.attempt, timeout, o.interface};
        return probe::async_tcp_connect(io, spec, on_done);
      },
      [&] { io.stop(); });
  auto signals = on_interrupt(io, [&] {
    report.interrupted = true;
    schedule->cancel();
  });
  schedule->start();
  io.run();
  pcap.finish();

  for (auto& r : results)
    if (r) report.probes.push_back(*r);
  report.rejected = (tcp_ch ? tcp_ch->rejected() : 0) + (icmp_ch ? icmp_ch->rejected() : 0);
  report.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  report.status = diag::tcp_status(report.probes);
  print(o.json ? render::tcp_json(report) : render::tcp_summary(report));
  return model::exit_code(report.status);
}

}  // namespace vpcprobe::app
