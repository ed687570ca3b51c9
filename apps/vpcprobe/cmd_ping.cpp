// vpcprobe ping HOST: ICMP echo that says why a probe failed, not only that it did.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "vpcprobe/diag/probe_status.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/probe/icmp.hpp"
#include "vpcprobe/render/probes.hpp"

namespace vpcprobe::app {

CLI::App* Ping::setup(CLI::App& parent, Options& o) {
  auto* cmd = parent.add_subcommand("ping", "ICMP echo; replies, ICMP errors (with the router that sent them) and timeouts told apart");
  cmd->add_option("target", o.target, "IPv4 or IPv6 address (fe80::1%IFACE for link-local) or name")->required();
  add_family_flags(*cmd, o.family);
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

Result<void> Ping::validate(const Options& o) {
  if (auto e = target_endpoint(o.target, o.family.policy()); e)
    if (auto i = interface_for(*e, o.interface); !i) return std::unexpected(i.error());
  if (o.size < 0 || o.size > 65507) return fail(Errc::invalid_argument, fmt::format("--size must be between 0 and 65507 bytes, got {}", o.size));
  if (o.ttl != kUnsetTtl && (o.ttl < 1 || o.ttl > 255)) return fail(Errc::invalid_argument, fmt::format("--ttl must be between 1 and 255, got {}", o.ttl));
  return first_failure(check_count("--count", o.count, 100000), check_seconds("--interval", o.interval, 0.01, 3600),
                check_seconds("--timeout", o.timeout, 0.001, 3600), check_interface(o.interface),
                parses(target_endpoint(o.target, o.family.policy())));
}

Result<Ping::Sockets> Ping::open(const Options& o) {
  const auto endpoint = *target_endpoint(o.target, o.family.policy());
  sys::SocketOptions opts;
  opts.ttl = o.ttl == kUnsetTtl ? 0 : static_cast<int>(o.ttl);
  opts.dont_fragment = o.dont_fragment;
  opts.bind_device = *interface_for(endpoint, o.interface);
  auto sock = PerFamily<sys::IcmpSocket>::open(model::families_for(endpoint, o.family.policy()),
                                               [&](wire::Family f) { return sys::open_icmp_socket(f, opts); });
  if (!sock) return std::unexpected(sock.error());
  return Sockets{std::move(*sock)};
}

Result<model::Status> Ping::run(const Options& o, Sockets& s, Runtime<Report>& rt) {
  const auto endpoint = *target_endpoint(o.target, o.family.policy());
  auto target = net::resolve_target(endpoint, model::families_for(endpoint, o.family.policy()));
  if (!target) return std::unexpected(target.error());
  auto family = probe::family_ops(target->addr.family());
  if (!family) return std::unexpected(family.error());
  auto icmp = s.icmp.get(target->addr.family());
  if (!icmp) return std::unexpected(icmp.error());
  model::PingReport report;
  report.target = *target;
  report.method = (*icmp)->method;
  report.payload_size = static_cast<std::size_t>(o.size);
  report.ttl = o.ttl == kUnsetTtl ? 0 : static_cast<int>(o.ttl);
  report.dont_fragment = o.dont_fragment;
  report.interface = *interface_for(endpoint, o.interface);

  if (auto ok = rt.start_capture({report.target.addr}); !ok) return std::unexpected(ok.error());
  auto channel = net::Channel::open(rt.io(), std::move((*icmp)->fd));
  if (!channel) return std::unexpected(channel.error());
  auto id = probe::claim_echo_id(**channel, **family, report.method, rt.identity().icmp_id());
  if (!id) return std::unexpected(id.error());
  rt.header(report);

  probe::EchoSeries series{report.target.addr, *id, static_cast<int>(o.count), millis(o.interval), report.payload_size, millis(o.timeout)};
  Series<Report, model::EchoResult> results(rt, report, report.probes, static_cast<std::size_t>(o.count));
  auto started = std::chrono::steady_clock::now();
  results.run(probe::async_echo_series(rt.io(), **channel, **family, report.method, rt.identity(), series, results.on_result(),
                                       [&] { rt.stop(); }));
  // In the order sent; probes never launched (interrupted before their turn) are not part of it.
  report.probes = results.in_order();
  report.interrupted = rt.interrupted();
  report.rejected = (*channel)->rejected();
  report.send_retries = (*channel)->send_retries();
  report.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  report.status = diag::ping_status(report.probes);
  rt.emit(report);
  return report.status;
}

}  // namespace vpcprobe::app
