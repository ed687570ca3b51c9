// vpcprobe tcp HOST:PORT | HOST -p PORTS: open, closed (RST), rejected (ICMP, with its code) or
// filtered (silence) — the distinction nc and a connect() timeout blur.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "vpcprobe/diag/probe_status.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/probe/path.hpp"
#include "vpcprobe/probe/tcp.hpp"
#include "vpcprobe/render/probes.hpp"
#include "vpcprobe/sys/limits.hpp"

namespace vpcprobe::app {

CLI::App* Tcp::setup(CLI::App& parent, Options& o) {
  auto* cmd = parent.add_subcommand("tcp", "TCP SYN probe: open, closed, rejected (ICMP code) or filtered");
  cmd->add_option("target", o.target, "HOST:PORT ([IPv6]:PORT), or HOST with -p")->required();
  add_family_flags(*cmd, o.family);
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

namespace {
// The target and its ports, from HOST:PORT or HOST -p PORTS (not both).
Result<std::pair<model::Endpoint, std::vector<std::uint16_t>>> target_and_ports(const Tcp::Options& o) {
  auto e = target_endpoint(o.target, o.family.policy());
  if (!e) return std::unexpected(e.error());
  if (auto i = interface_for(*e, o.interface); !i) return std::unexpected(i.error());
  if (e->port && !o.ports.empty()) return fail(Errc::invalid_argument, "give the port either as HOST:PORT or with -p, not both");
  if (!e->port && o.ports.empty()) return fail(Errc::invalid_argument, "no port: use HOST:PORT or -p PORT");
  auto ports = e->port ? Result<std::vector<std::uint16_t>>(std::vector<std::uint16_t>{*e->port}) : model::parse_ports(o.ports);
  if (!ports) return std::unexpected(ports.error());
  return std::pair{*e, *ports};
}
}  // namespace

Result<void> Tcp::validate(const Options& o) {
  return first_failure(parses(target_and_ports(o)), check_count("--count", o.count, 1000), check_seconds("--interval", o.interval, 0.0, 3600),
                check_seconds("--timeout", o.timeout, 0.001, 3600), check_interface(o.interface));
}

Result<Tcp::Sockets> Tcp::open(const Options& o) {
  // Raw SYN when CAP_NET_RAW is there (the ICMP socket lets us see rejections); connect() otherwise.
  Sockets s;
  if (o.connect) return s;
  const auto [endpoint, ports] = *target_and_ports(o);
  sys::SocketOptions opts;
  opts.bind_device = *interface_for(endpoint, o.interface);
  auto raw = PerFamily<RawPair>::open(model::families_for(endpoint, o.family.policy()), [&](wire::Family f) -> Result<RawPair> {
    auto tcp = sys::open_tcp_raw_socket(f, opts);
    if (!tcp) return std::unexpected(tcp.error());
    auto icmp = sys::open_icmp_socket(f, opts, false);
    if (!icmp) return std::unexpected(icmp.error());
    return RawPair{std::move(*tcp), std::move(icmp->fd)};
  });
  if (!raw) {
    if (raw.error().code == Errc::permission) return s;  // connect()
    return std::unexpected(raw.error());
  }
  s.raw = std::move(*raw);
  return s;
}

Result<model::Status> Tcp::run(const Options& o, Sockets& s, Runtime<Report>& rt) {
  auto [endpoint, ports] = *target_and_ports(o);
  const std::string interface = *interface_for(endpoint, o.interface);
  auto target = net::resolve_target(endpoint, model::families_for(endpoint, o.family.policy()));
  if (!target) return std::unexpected(target.error());
  auto family = probe::family_ops(target->addr.family());
  if (!family) return std::unexpected(family.error());
  std::optional<sys::UniqueFd> tcp_fd, icmp_fd;
  if (s.raw) {
    auto pair = s.raw->get(target->addr.family());
    if (!pair) return std::unexpected(pair.error());
    tcp_fd = std::move((*pair)->tcp);
    icmp_fd = std::move((*pair)->icmp);
  }
  model::TcpReport report;
  report.target = *target;
  report.ports = ports;
  report.method = tcp_fd ? model::ProbeMethod::raw : model::ProbeMethod::connect;

  probe::TcpSweep sweep;
  sweep.dst = report.target.addr;
  sweep.ports = ports;
  sweep.rounds = static_cast<int>(o.count);
  sweep.interval = millis(o.interval);
  sweep.timeout = millis(o.timeout);
  sweep.bind_device = interface;
  if (tcp_fd) {
    // A raw SYN needs the source address the kernel would use, for the checksum and for matching.
    auto nl = rt.netlink();
    if (!nl) return std::unexpected(nl.error());
    auto src = probe::source_address(**nl, report.target.addr, interface);
    if (!src) return std::unexpected(src.error());
    sweep.src = *src;
  } else {
    // connect() needs a descriptor per probe in flight: a low `ulimit -n` makes the run slower, not broken.
    const std::size_t room = sys::descriptors_available();
    if (room < ports.size() * static_cast<std::size_t>(o.count)) {
      sweep.max_in_flight = room;
      report.batched = true;
      report.batch_size = room;
      rt.notice(fmt::format("ulimit -n leaves room for {} sockets at once; probing in batches of {}", room, room));
    }
  }

  if (auto ok = rt.start_capture({report.target.addr}); !ok) return std::unexpected(ok.error());
  auto tcp_ch = net::Channel::open_optional(rt.io(), std::move(tcp_fd));
  auto icmp_ch = net::Channel::open_optional(rt.io(), std::move(icmp_fd));
  if (!tcp_ch || !icmp_ch) return std::unexpected(!tcp_ch ? tcp_ch.error() : icmp_ch.error());
  rt.header(report);
  Series<Report, model::TcpResult> results(rt, report, report.probes, ports.size() * static_cast<std::size_t>(o.count));
  auto started = std::chrono::steady_clock::now();
  results.run(probe::async_tcp_sweep(rt.io(), tcp_ch->get(), icmp_ch->get(), **family, rt.identity(), sweep, results.on_result(),
                                     [&] { rt.stop(); }));
  report.probes = results.in_order();
  report.interrupted = rt.interrupted();
  for (const auto* ch : {tcp_ch->get(), icmp_ch->get()})
    if (ch) {
      report.rejected += ch->rejected();
      report.send_retries += ch->send_retries();
    }
  report.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  report.status = diag::tcp_status(report.probes);
  rt.emit(report);
  return report.status;
}

}  // namespace vpcprobe::app
