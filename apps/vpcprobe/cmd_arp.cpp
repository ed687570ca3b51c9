// vpcprobe arp TARGET: arping (and, for an IPv6 target, the same with Neighbor Discovery), plus
// the kernel's neighbor cache compared with the wire.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "vpcprobe/diag/neighbor.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/probe/arp.hpp"
#include "vpcprobe/probe/path.hpp"
#include "vpcprobe/render/arp.hpp"

namespace vpcprobe::app {

CLI::App* Arp::setup(CLI::App& parent, Options& o) {
  auto* cmd = parent.add_subcommand("arp", "ARP-probe a neighbor (NDP for IPv6) and compare the kernel's cache entry with the MAC that answers");
  cmd->add_option("target", o.target, "IPv4 or IPv6 address (fe80::1%IFACE) or name of the neighbor")->required();
  add_family_flags(*cmd, o.family);
  cmd->add_option("-I,--interface", o.interface, "interface to probe on (default: the one the kernel's route picks)");
  cmd->add_option("-c,--count", o.count, "rounds of requests (each: broadcast, plus unicast to the cached MAC)")->capture_default_str();
  cmd->add_option("-i,--interval", o.interval, "seconds between rounds")->capture_default_str();
  cmd->add_option("-w,--timeout", o.timeout, "seconds to wait for replies after the last round")->capture_default_str();
  cmd->add_flag("--json", o.json, "print one JSON object (schema vpcprobe.arp/1)");
  add_pcap_option(*cmd, o.pcap);
  return cmd;
}

Result<void> Arp::validate(const Options& o) {
  return first_failure(check_count("--count", o.count, 100000), check_seconds("--interval", o.interval, 0.001, 3600),
                check_seconds("--timeout", o.timeout, 0.001, 3600), parses(target_endpoint(o.target, o.family.policy())),
                check_interface(o.interface));
}

Result<Arp::Sockets> Arp::open(const Options& o) {
  const auto families = model::families_for(*target_endpoint(o.target, o.family.policy()), o.family.policy());
  auto sockets = PerFamily<sys::UniqueFd>::open(families, [](wire::Family f) {
    return f == wire::Family::v4 ? sys::open_arp_socket() : sys::open_ndp_socket();
  });
  if (!sockets) return std::unexpected(sockets.error());
  return Sockets{std::move(*sockets)};
}

Result<model::Status> Arp::run(const Options& o, Sockets& s, Runtime<Report>& rt) {
  // What the kernel knows, before anything is sent: target, route, interface, source, cache entry.
  const auto endpoint = *target_endpoint(o.target, o.family.policy());
  auto target = net::resolve_target(endpoint, model::families_for(endpoint, o.family.policy()));
  if (!target) return std::unexpected(target.error());
  auto interface = interface_for(endpoint, o.interface);
  if (!interface) return std::unexpected(interface.error());
  const bool v6 = target->addr.is_v6();
  auto nl = rt.netlink();
  if (!nl) return std::unexpected(nl.error());
  int oif = 0;
  if (!interface->empty()) {
    auto link = (*nl)->link_by_name(*interface);
    if (!link) return std::unexpected(link.error());
    oif = link->ifindex;
  }
  auto view = probe::read_neighbor_view(**nl, target->addr, oif);
  if (!view) {
    auto e = view.error();
    if (e.code == Errc::not_found && oif == 0) return fail(Errc::unreachable, e.message + "; give the interface with -I");
    return std::unexpected(e);
  }
  const auto& link = view->link;
  if (!link.is_ethernet() || !link.mac || (link.flags & model::iff::noarp))
    return fail(Errc::invalid_argument,
                fmt::format("interface {} has no Ethernet {} (type {}); vpcprobe arp needs an Ethernet-like link", link.name,
                            v6 ? "neighbor discovery" : "ARP", link.type));
  if (!view->source || view->source->family() != target->addr.family())
    return fail(Errc::invalid_argument, fmt::format("interface {} has no {} address to send {} from", link.name,
                                                    v6 ? "IPv6" : "IPv4", v6 ? "Neighbor Solicitations" : "ARP"));
  model::ArpReport report;
  report.target = target->addr;
  report.target_name = o.target;
  report.interface = link.name;
  report.ifindex = link.ifindex;
  report.source_mac = *link.mac;
  report.source_ip = *view->source;
  report.route_gateway = view->route.gateway;
  report.before = view->entry;

  if (auto ok = rt.start_capture({target->addr}); !ok) return std::unexpected(ok.error());
  auto sock = s.neighbor.get(target->addr.family());
  if (!sock) return std::unexpected(sock.error());
  auto channel = net::Channel::open(rt.io(), std::move(**sock));
  if (!channel) return std::unexpected(channel.error());
  probe::ArpSpec spec;
  spec.ifindex = link.ifindex;
  spec.our_mac = *link.mac;
  spec.our_ip = report.source_ip;
  spec.target = target->addr;
  if (report.before && report.before->mac && !report.before->mac->is_zero()) spec.unicast_to = report.before->mac;
  spec.count = static_cast<int>(o.count);
  spec.interval = millis(o.interval);
  spec.wait = millis(o.timeout);
  auto op = probe::async_arp(rt.io(), **channel, spec, [&](model::ArpProbeResult r) {
    report.probe = std::move(r);
    rt.stop();
  });
  rt.on_interrupt([&] { op->cancel(); });
  rt.run();

  // The cache as it is now (our own probe's reply may have refreshed a kernel-managed entry).
  if (auto after = (*nl)->neigh_get(target->addr, link.ifindex)) report.after = *after;
  report.interrupted = rt.interrupted();
  report.verdict = diag::arp_verdict(report);
  rt.emit(report);
  return report.verdict.status;
}

}  // namespace vpcprobe::app
