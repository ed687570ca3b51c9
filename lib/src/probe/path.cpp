#include "vpcprobe/probe/path.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "vpcprobe/probe/arp.hpp"
#include "vpcprobe/probe/icmp.hpp"
#include "vpcprobe/probe/tcp.hpp"

namespace vpcprobe::probe {

namespace {
model::NotRun lookup_failed(const Error& e) { return {model::Cause::lookup_failed, e.message}; }
}  // namespace

Result<NeighborView> read_neighbor_view(net::NetlinkClient& nl, const wire::IpAddr& ip, int oif) {
  auto route = nl.route_get(ip, oif);
  if (!route) return std::unexpected(route.error());
  if ((!route->usable() || route->oif <= 0) && oif <= 0)
    return fail(Errc::not_found, fmt::format("no usable route to {} ({} route)", ip.to_string(), model::route_type_name(route->type)));
  auto link = nl.link(oif > 0 ? oif : route->oif);
  if (!link) return std::unexpected(link.error());
  NeighborView v{*route, *link, route->prefsrc, std::nullopt};
  auto entry = nl.neigh_get(ip, link->ifindex);
  if (!entry) return std::unexpected(entry.error());
  v.entry = *entry;
  return v;
}

Result<wire::IpAddr> source_address(net::NetlinkClient& nl, const wire::IpAddr& dst, const std::string& interface) {
  int oif = 0;
  if (!interface.empty()) {
    auto link = nl.link_by_name(interface);
    if (!link) return std::unexpected(link.error());
    oif = link->ifindex;
  }
  auto route = nl.route_get(dst, oif);
  if (!route) return std::unexpected(route.error());
  if (!route->usable() || !route->prefsrc)
    return fail(Errc::unreachable, fmt::format("no route to {} ({} route)", dst.to_string(), model::route_type_name(route->type)));
  return *route->prefsrc;
}

void read_kernel_view(net::NetlinkClient& nl, model::PathResult& p) {
  if (!p.target) return;
  const auto ip = p.target->addr;
  auto route = nl.route_get(ip);
  if (!route) {
    p.route_not_run = lookup_failed(route.error());
    return;
  }
  p.route = *route;
  if (route->oif > 0) {
    if (auto link = nl.link(route->oif)) p.link = *link;
    else p.link_not_run = lookup_failed(link.error());
  }
  // An interface that holds the target's subnet but is down makes the kernel route around it (or
  // not at all): that is the link layer failing, whatever the route now says.
  if (auto addrs = nl.addresses(ip.family())) {
    for (const auto& a : *addrs) {
      if (a.ifindex == route->oif || a.addr.is_loopback()) continue;
      auto link = nl.link(a.ifindex);
      if (!link || (link->flags & model::iff::loopback) || (link->admin_up() && link->lower_up())) continue;
      if (a.contains(ip) && a.prefix_len > 0) p.down_links_for_target.emplace_back(*link, a);
      else p.other_down_links.emplace_back(*link, a);
    }
  } else if (!p.link_not_run) {
    p.link_not_run = lookup_failed(addrs.error());
  }
  if (!route->usable() || route->type == model::RouteType::local || !p.link) return;
  if (!p.link->is_ethernet() || (p.link->flags & model::iff::noarp) || !p.link->mac) {
    p.arp_not_run = model::NotRun{model::Cause::link_without_arp, p.link->name};
    return;
  }
  p.next_hop = route->next_hop(ip);
  if (auto e = nl.neigh_get(*p.next_hop, p.link->ifindex)) p.neigh_before = *e;
  else p.arp_not_run = lookup_failed(e.error());
}

void read_neighbor_after(net::NetlinkClient& nl, model::PathResult& p) {
  if (!p.next_hop || !p.link) return;
  if (auto e = nl.neigh_get(*p.next_hop, p.link->ifindex)) p.neigh_after = *e;
}

std::vector<std::uint32_t> mtu_probe_sizes(std::uint32_t link_mtu) {
  // The link MTU, then the usual suspects: PPPoE, VXLAN/Geneve and IPsec overheads, GRE, 1280.
  static constexpr std::uint32_t kCommon[] = {1500, 1492, 1480, 1460, 1450, 1420, 1400, 1380, 1280, 1024, 576};
  std::vector<std::uint32_t> out;
  if (link_mtu < 576) return out;
  out.push_back(std::min<std::uint32_t>(link_mtu, 65535));
  for (auto s : kCommon)
    if (s < out.front() && out.size() < 12) out.push_back(s);
  return out;
}

namespace {

// Counts outstanding probes; the last completion runs `done` once.
struct Pending {
  int left = 0;
  std::function<void()> done;
  void add() { ++left; }
  void complete() {
    if (--left == 0 && done) {
      auto d = std::move(done);
      d();
    }
  }
};

}  // namespace

std::vector<OperationPtr> run_path_probes(asio::io_context& io, const PathSockets& s, const wire::Identity& identity, int path_index,
                                          model::PathResult& p, std::chrono::milliseconds timeout, std::function<void()> done) {
  std::vector<OperationPtr> ops;
  auto pending = std::make_shared<Pending>();
  pending->add();  // held until every probe is started, so an instant completion cannot end early
  pending->done = std::move(done);
  if (!p.target || !p.route || !p.route->usable()) {
    pending->complete();
    return ops;
  }
  const auto ip = p.target->addr;
  auto family = family_ops(ip.family());
  if (!family) {  // refused at the edge; here only for a library user who did not
    const model::NotRun no{model::Cause::not_applicable, family.error().message};
    p.arp_not_run = p.echo_not_run = p.mtu_not_run = no;
    if (p.port) p.tcp_not_run = no;
    pending->complete();
    return ops;
  }
  const FamilyOps& fam = **family;
  const auto seq_base = static_cast<std::uint16_t>(identity.seq_base() + path_index * 64);

  // neighbor
  if (p.next_hop && !p.arp_not_run) {
    if (!s.arp) {
      p.arp_not_run = s.arp_missing;
    } else if (!p.link || !p.link->mac || !p.route->prefsrc || !p.route->prefsrc->is_v4()) {
      p.arp_not_run = model::NotRun{model::Cause::no_source, p.link ? p.link->name : std::string()};
    } else {
      ArpSpec spec;
      spec.ifindex = p.link->ifindex;
      spec.our_mac = *p.link->mac;
      spec.our_ip = p.route->prefsrc->v4();
      spec.target = p.next_hop->v4();
      if (p.neigh_before && p.neigh_before->mac && !p.neigh_before->mac->is_zero()) spec.unicast_to = p.neigh_before->mac;
      spec.count = 2;
      spec.interval = std::min(std::chrono::milliseconds(200), timeout / 4);
      spec.wait = timeout - spec.interval;
      spec.finish_when_answered = true;
      pending->add();
      ops.push_back(async_arp(io, *s.arp, spec, [&p, pending](model::ArpProbeResult r) {
        p.arp = std::move(r);
        pending->complete();
      }));
    }
  }

  // network
  if (!s.icmp) {
    p.echo_not_run = s.icmp_missing;
    p.mtu_not_run = s.icmp_missing;
  } else {
    EchoSpec spec;
    spec.target = ip;
    spec.id = s.icmp_id;
    spec.wire_seq = seq_base;
    spec.tag = identity.payload_tag(spec.wire_seq);
    spec.timeout = timeout;
    p.echo_method = s.icmp_method;
    pending->add();
    ops.push_back(async_echo(io, *s.icmp, fam, s.icmp_method, spec, [&p, pending](model::EchoResult r) {
      p.echo = r;
      pending->complete();
    }));
    // mtu: DF echoes of every candidate size at once
    if (s.icmp_df && p.link) {
      auto sizes = mtu_probe_sizes(p.link->mtu);
      p.mtu_probes.resize(sizes.size());
      for (std::size_t i = 0; i < sizes.size(); ++i) {
        p.mtu_probes[i].size = sizes[i];
        EchoSpec df = spec;
        df.id = s.icmp_df_id;
        df.wire_seq = static_cast<std::uint16_t>(seq_base + 1 + i);
        df.tag = identity.payload_tag(df.wire_seq);
        df.payload_size = sizes[i] - fam.ip_header - fam.icmp_header;
        pending->add();
        ops.push_back(async_echo(io, *s.icmp_df, fam, s.icmp_method, df, [&p, pending, i](model::EchoResult r) {
          p.mtu_probes[i].answered = r.outcome == model::EchoOutcome::reply;
          p.mtu_probes[i].interrupted = r.outcome == model::EchoOutcome::interrupted;
          p.mtu_probes[i].error = r.error;
          pending->complete();
        }));
      }
    } else if (!s.icmp_df) {
      p.mtu_not_run = s.icmp_df_missing;
    }
  }

  // transport
  if (p.port) {
    auto on_tcp = [&p, pending](model::TcpResult r) {
      p.tcp = r;
      pending->complete();
    };
    pending->add();
    if (s.tcp_raw && p.route->prefsrc) {
      SynSpec spec;
      spec.src = *p.route->prefsrc;
      spec.dst = ip;
      spec.dport = *p.port;
      spec.sport = identity.tcp_source_port(path_index);
      spec.isn = identity.tcp_isn(spec.src, spec.dst, spec.sport, spec.dport);
      spec.timeout = timeout;
      p.tcp_method = model::ProbeMethod::raw;
      ops.push_back(
          async_tcp_syn(io, *s.tcp_raw, s.icmp_method == model::ProbeMethod::raw ? s.icmp : nullptr, fam, spec, on_tcp));
    } else {
      p.tcp_method = model::ProbeMethod::connect;
      ops.push_back(async_tcp_connect(io, ConnectSpec{ip, *p.port, 1, timeout, {}}, on_tcp));
    }
  }
  pending->complete();
  return ops;
}

}  // namespace vpcprobe::probe
