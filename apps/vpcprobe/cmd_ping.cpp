// vpcprobe ping HOST: ICMP echo that says why a probe failed, not only that it did.
#include <chrono>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "vpcprobe/diag/probe_status.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/probe/icmp.hpp"
#include "vpcprobe/probe/identity.hpp"
#include "vpcprobe/render/probes.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::app {

CLI::App* setup_ping(CLI::App& parent, PingOptions& o) {
  auto* cmd = parent.add_subcommand("ping", "ICMP echo; replies, ICMP errors (with the router that sent them) and timeouts told apart");
  cmd->add_option("target", o.target, "IPv4 address or name")->required();
  cmd->add_option("-c,--count", o.count, "echo requests to send")->capture_default_str();
  cmd->add_option("-i,--interval", o.interval, "seconds between requests")->capture_default_str();
  cmd->add_option("-w,--timeout", o.timeout, "seconds to wait for each reply")->capture_default_str();
  cmd->add_option("-s,--size", o.size, "payload bytes")->capture_default_str();
  cmd->add_flag("--df", o.dont_fragment, "set Don't Fragment (and ignore the cached path MTU)");
  cmd->add_option("--ttl", o.ttl, "IP time to live (1-255)");
  cmd->add_option("-I,--interface", o.interface, "send through this interface");
  cmd->add_flag("--json", o.json, "print one JSON object (schema vpcprobe.ping/1)");
  add_pcap_option(*cmd, o.pcap);
  return cmd;
}

int run_ping(const PingOptions& o) {
  for (auto check : {check_count("--count", o.count, 100000), check_seconds("--interval", o.interval, 0.01, 3600),
                     check_seconds("--timeout", o.timeout, 0.001, 3600), check_interface(o.interface),
                     net::check_host_syntax(o.target)})
    if (!check) return report_error(check.error());
  if (o.size < 0 || o.size > 65507) return report_error(fmt::format("--size must be between 0 and 65507 bytes, got {}", o.size), kExitUnknown);
  if (o.ttl != kUnsetTtl && (o.ttl < 1 || o.ttl > 255)) return report_error(fmt::format("--ttl must be between 1 and 255, got {}", o.ttl), kExitUnknown);

  int ttl = o.ttl == kUnsetTtl ? 0 : static_cast<int>(o.ttl);
  sys::SocketOptions sopts{ttl, o.dont_fragment, o.interface};
  auto sock = sys::open_icmp_socket(sopts);
  if (!sock) return report_error(sock.error());
  asio::io_context io;  // before everything that holds I/O objects on it
  PcapOption pcap(o.pcap);
  if (auto ok = pcap.open_privileged(); !ok) return report_error(ok.error());
  if (auto dropped = sys::drop_privileges(); !dropped) return report_error(dropped.error());

  auto target = resolve_target(o.target);
  if (!target) return report_resolve_error(target.error());

  model::PingReport report;
  report.target = *target;
  report.method = sock->method;
  report.payload_size = static_cast<std::size_t>(o.size);
  report.ttl = ttl;
  report.dont_fragment = o.dont_fragment;
  report.interface = o.interface;
  report.probes.resize(static_cast<std::size_t>(o.count));

  if (auto ok = pcap.start(io, {report.target.addr}); !ok) return report_error(ok.error());
  net::Channel channel(io, std::move(sock->fd));
  auto identity = probe::Identity::random();
  std::uint16_t id = identity.icmp_id();
  if (report.method == model::ProbeMethod::ping_socket) {
    auto bound = probe::bind_ping_socket(channel, id);
    if (!bound) return report_error(bound.error());
    id = *bound;
  } else if (auto filtered = probe::filter_echo_replies(channel, id); !filtered) {
    return report_error(filtered.error());
  }
  if (!o.json) print(render::ping_header(report));

  auto started = std::chrono::steady_clock::now();
  std::vector<bool> done(report.probes.size(), false);
  auto timeout = std::chrono::milliseconds(static_cast<long>(o.timeout * 1000));
  auto schedule = std::make_shared<probe::Schedule>(
      io, probe::Schedule::evenly(static_cast<int>(o.count), std::chrono::milliseconds(static_cast<long>(o.interval * 1000))),
      [&](int i, std::function<void()> completed) {
        probe::EchoSpec spec;
        spec.target = report.target.addr;
        spec.id = id;
        spec.wire_seq = static_cast<std::uint16_t>(identity.seq_base() + i);
        spec.display_seq = i + 1;
        spec.payload_size = report.payload_size;
        spec.tag = identity.payload_tag(spec.wire_seq);
        spec.timeout = timeout;
        return probe::async_echo(io, channel, report.method, spec, [&, i, completed](model::EchoResult r) {
          auto idx = static_cast<std::size_t>(i);
          report.probes[idx] = r;
          done[idx] = true;
          if (!o.json) print(render::ping_line(report, r));
          completed();
        });
      },
      [&] { io.stop(); });
  auto signals = on_interrupt(io, [&] {
    report.interrupted = true;
    schedule->cancel();
  });
  schedule->start();
  io.run();
  pcap.finish();

  // Probes never launched (interrupted before their turn) are not part of the report.
  std::vector<model::EchoResult> finished;
  for (std::size_t i = 0; i < report.probes.size(); ++i)
    if (done[i]) finished.push_back(report.probes[i]);
  report.probes = std::move(finished);
  report.rejected = channel.rejected();
  report.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  report.status = diag::ping_status(report.probes);
  print(o.json ? render::ping_json(report) : render::ping_summary(report));
  return model::exit_code(report.status);
}

}  // namespace vpcprobe::app
