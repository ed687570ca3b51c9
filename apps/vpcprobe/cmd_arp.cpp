// vpcprobe arp TARGET: arping, plus the kernel's neighbor cache compared with the wire.
#include <chrono>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "vpcprobe/diag/arp_verdict.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/probe/arp.hpp"
#include "vpcprobe/render/arp.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::app {

CLI::App* setup_arp(CLI::App& parent, ArpOptions& o) {
  auto* cmd = parent.add_subcommand("arp", "ARP-probe a neighbor and compare the kernel's cache entry with the MAC that answers");
  cmd->add_option("target", o.target, "IPv4 address or name of the neighbor")->required();
  cmd->add_option("-I,--interface", o.interface, "interface to probe on (default: the one the kernel's route picks)");
  cmd->add_option("-c,--count", o.count, "rounds of requests (each: broadcast, plus unicast to the cached MAC)")->capture_default_str();
  cmd->add_option("-i,--interval", o.interval, "seconds between rounds")->capture_default_str();
  cmd->add_option("-w,--timeout", o.timeout, "seconds to wait for replies after the last round")->capture_default_str();
  cmd->add_flag("--json", o.json, "print one JSON object (schema vpcprobe.arp/1)");
  add_pcap_option(*cmd, o.pcap);
  return cmd;
}

int run_arp(const ArpOptions& o) {
  // 1. Pure checks of what the user typed.
  for (auto check : {check_count("--count", o.count, 100000), check_seconds("--interval", o.interval, 0.001, 3600),
                     check_seconds("--timeout", o.timeout, 0.001, 3600), net::check_host_syntax(o.target)})
    if (!check) return report_error(check.error());
  if (auto ok = check_interface(o.interface); !ok) return report_error(ok.error());

  // 2. Privileged resources first, then drop every privilege before any packet is read.
  auto sock = sys::open_arp_socket();
  if (!sock) return report_error(sock.error());
  asio::io_context io;  // before everything that holds I/O objects on it
  PcapOption pcap(o.pcap);
  if (auto ok = pcap.open_privileged(); !ok) return report_error(ok.error());
  if (auto dropped = sys::drop_privileges(); !dropped) return report_error(dropped.error());

  // 3. What the kernel knows: target, route, interface, source, cache entry.
  auto target = net::resolve_ipv4(o.target);
  if (!target) return report_error(target.error().message, target.error().code == Errc::not_found ? kExitFailing : kExitUnknown);
  auto nl = net::NetlinkClient::open();
  if (!nl) return report_error(nl.error());

  model::ArpReport report;
  report.target = target->addr;
  report.target_name = o.target;
  int oif = 0;
  if (!o.interface.empty()) {
    auto link = nl->link_by_name(o.interface);
    if (!link) return report_error(link.error());
    oif = link->ifindex;
  }
  auto route = nl->route_get(target->addr, oif);
  if (!route) return report_error(route.error());
  if (!route->usable() || route->oif == 0) {
    if (oif == 0)
      return report_error(fmt::format("no usable route to {} ({} route); give the interface with -I",
                                      target->addr.to_string(), model::route_type_name(route->type)), kExitFailing);
  }
  if (oif == 0) oif = route->oif;
  auto link = nl->link(oif);
  if (!link) return report_error(link.error());
  if (!link->is_ethernet() || !link->mac || (link->flags & model::iff::noarp))
    return report_error(fmt::format("interface {} has no Ethernet ARP (type {}); vpcprobe arp needs an Ethernet-like link",
                                    link->name, link->type), kExitUnknown);
  report.interface = link->name;
  report.ifindex = link->ifindex;
  report.source_mac = *link->mac;
  if (route->prefsrc) {
    report.source_ip = *route->prefsrc;
  } else {
    return report_error(fmt::format("interface {} has no IPv4 address to send ARP from", link->name), kExitUnknown);
  }
  if (route->gateway) report.route_gateway = route->gateway;
  auto before = nl->neigh_get(target->addr, link->ifindex);
  if (!before) return report_error(before.error());
  report.before = *before;

  // 4. The probe.
  if (auto ok = pcap.start(io, {target->addr}); !ok) return report_error(ok.error());
  net::Channel channel(io, std::move(*sock));
  probe::ArpSpec spec;
  spec.ifindex = link->ifindex;
  spec.our_mac = *link->mac;
  spec.our_ip = report.source_ip;
  spec.target = target->addr;
  if (report.before && report.before->mac && !report.before->mac->is_zero()) spec.unicast_to = report.before->mac;
  spec.count = static_cast<int>(o.count);
  spec.interval = std::chrono::milliseconds(static_cast<long>(o.interval * 1000));
  spec.wait = std::chrono::milliseconds(static_cast<long>(o.timeout * 1000));
  bool interrupted = false;
  auto op = probe::async_arp(io, channel, spec, [&](model::ArpProbeResult r) {
    report.probe = std::move(r);
    io.stop();
  });
  auto signals = on_interrupt(io, [&] {
    interrupted = true;
    op->cancel();
  });
  io.run();
  pcap.finish();

  // 5. The cache as it is now (our own probe's reply may have refreshed a kernel-managed entry).
  auto after = nl->neigh_get(target->addr, link->ifindex);
  if (after) report.after = *after;
  report.verdict = diag::arp_verdict(report);
  if (interrupted) report.verdict.details.push_back("Interrupted: the report covers the rounds sent so far.");
  std::string out = o.json ? render::arp_json(report) : render::arp_text(report);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return model::exit_code(report.verdict.status);
}

}  // namespace vpcprobe::app
