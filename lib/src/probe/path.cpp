#include "vpcprobe/probe/path.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "vpcprobe/sys/limits.hpp"

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

std::vector<std::uint32_t> mtu_probe_sizes(std::uint32_t link_mtu, wire::Family family) {
  // The link MTU, then the usual suspects: PPPoE, VXLAN/Geneve and IPsec overheads, GRE, 1280.
  // IPv6 stops at 1280, the smallest MTU an IPv6 link may have (RFC 8200 5).
  static constexpr std::uint32_t kCommon[] = {1500, 1492, 1480, 1460, 1450, 1420, 1400, 1380, 1280, 1024, 576};
  const std::uint32_t floor = family == wire::Family::v6 ? 1280 : 576;
  std::vector<std::uint32_t> out;
  if (link_mtu < floor) return out;
  out.push_back(std::min<std::uint32_t>(link_mtu, 65535));
  for (auto s : kCommon)
    if (s < out.front() && s >= floor && out.size() < 12) out.push_back(s);
  return out;
}

void read_after_probes(net::NetlinkClient& nl, model::PathResult& p) {
  if (p.target && p.route && p.route->usable())
    if (auto m = nl.route_match(p.target->addr); m && m->usable()) p.route_prefix = m->dst_len;
  if (!p.witness || !p.target) return;
  auto& w = *p.witness;
  auto name = [&nl](int ifindex) -> std::string {
    if (ifindex <= 0) return {};
    auto l = nl.link(ifindex);
    return l ? l->name : fmt::format("if{}", ifindex);
  };
  // Probes the witness did not see leave went, as far as the kernel's route says, out of its interface.
  w.out_interface = w.out_ifindex ? name(w.out_ifindex) : p.link ? p.link->name : std::string();
  w.in_interface = name(w.in_ifindex);
  // Reverse-path filtering by sysctl is IPv4's (IPv6 has none; an nft fib rule would be the twin).
  if (!w.in_interface.empty() && p.target->addr.is_v4()) w.rp_filter = sys::rp_filter(w.in_interface);
  // An answer that came back another way: would the kernel take it there (from the target to our
  // source address, arriving where it arrived)? Asked against the same lookup arriving on the way
  // out, so that only reverse-path filtering can make the difference.
  if (w.asymmetric() && w.out_ifindex > 0 && p.route && p.route->prefsrc) {
    auto there = nl.input_route_ok(*p.route->prefsrc, p.target->addr, w.in_ifindex);
    auto back = nl.input_route_ok(*p.route->prefsrc, p.target->addr, w.out_ifindex);
    if (there && back && *back) w.reverse_path_refused = !*there;
  }
}

}  // namespace vpcprobe::probe
