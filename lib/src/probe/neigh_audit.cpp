#include "vpcprobe/probe/neigh_audit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "vpcprobe/probe/arp_sweep.hpp"

namespace vpcprobe::probe {

const model::LinkInfo* InterfaceView::link(int ifindex) const {
  for (const auto& l : links)
    if (l.ifindex == ifindex) return &l;
  return nullptr;
}

std::optional<wire::IpAddr> InterfaceView::source_for(int ifindex, const wire::IpAddr& ip) const {
  std::optional<wire::IpAddr> any;
  for (const auto& a : addrs) {
    if (a.ifindex != ifindex || a.addr.family() != ip.family()) continue;
    if (a.contains(ip)) return a.addr;
    if (!any) any = a.addr;
  }
  return any;
}

Result<AuditTable> read_audit_table(net::NetlinkClient& nl, int ifindex) {
  auto entries = nl.neigh_dump(wire::Family::v4, ifindex);
  if (!entries) return std::unexpected(entries.error());
  AuditTable t;
  auto addrs = nl.addresses(wire::Family::v4);
  if (!addrs) return std::unexpected(addrs.error());
  t.interfaces.addrs = std::move(*addrs);
  t.audits.reserve(entries->size());
  for (const auto& e : *entries) {
    if (!t.interfaces.link(e.ifindex)) {
      auto l = nl.link(e.ifindex);
      // An interface that vanished since the dump: its entries say so instead of ending the audit.
      if (l) t.interfaces.links.push_back(*l);
      else if (l.error().code != Errc::not_found) return std::unexpected(l.error());
    }
    model::NeighAudit a;
    const auto* link = t.interfaces.link(e.ifindex);
    a.dev = link ? link->name : fmt::format("if{}", e.ifindex);
    a.before = e;
    t.audits.push_back(std::move(a));
  }
  return t;
}

OperationPtr async_verify(asio::io_context& io, net::Channel& arp, const InterfaceView& ifaces,
                          std::vector<model::NeighAudit>& audits, const VerifySpec& spec,
                          std::function<void(ApplyResults apply, model::ArpSweepStats)> done) {
  std::vector<SweepInterface> sweep_ifaces;
  std::vector<SweepTarget> targets;
  auto jobs = std::make_shared<std::vector<std::uint32_t>>();  // target -> audit
  for (std::size_t i = 0; i < audits.size(); ++i) {
    auto& a = audits[i];
    if (a.unverifiable || a.probe) continue;
    const auto* link = ifaces.link(a.before.ifindex);
    auto src = ifaces.source_for(a.before.ifindex, a.before.ip);
    if (!link) {
      a.unverifiable = model::Unverifiable::interface_gone;
      continue;
    }
    if (!link->mac || !src || !src->is_v4() || !a.before.ip.is_v4() || !a.before.mac) {
      a.unverifiable = model::Unverifiable::no_source_address;
      continue;
    }
    // One sweep interface per (link, source address): usually one per link.
    std::uint32_t slot = 0;
    while (slot < sweep_ifaces.size() && !(sweep_ifaces[slot].ifindex == link->ifindex && sweep_ifaces[slot].ip == src->v4())) ++slot;
    if (slot == sweep_ifaces.size()) sweep_ifaces.push_back({link->ifindex, *link->mac, src->v4()});
    targets.push_back({slot, a.before.ip.v4(), a.before.mac});
    jobs->push_back(static_cast<std::uint32_t>(i));
  }
  SweepSpec s;
  s.rate_pps = spec.rate_pps;
  s.wait = spec.timeout;
  s.progress = spec.progress;
  return ArpSweep::start(io, arp, std::move(sweep_ifaces), std::move(targets), s,
                         [jobs, done = std::move(done)](std::vector<model::ArpProbeResult> results, SweepStats stats) {
                           auto shared = std::make_shared<std::vector<model::ArpProbeResult>>(std::move(results));
                           done(
                               [jobs, shared](std::vector<model::NeighAudit>& owned) {
                                 for (std::size_t t = 0; t < shared->size() && t < jobs->size(); ++t) {
                                   if ((*jobs)[t] >= owned.size()) continue;
                                   auto& a = owned[(*jobs)[t]];
                                   a.answering = (*shared)[t].answering_macs();
                                   a.probe = std::move((*shared)[t]);
                                 }
                               },
                               stats);
                         });
}

void apply_fixes(net::NetlinkClient& nl, std::vector<model::NeighAudit>& audits,
                 const std::function<void(const model::NeighAudit&)>& on_change) {
  for (auto& a : audits) {
    if (!a.fix || a.fix->skipped) continue;
    auto done = a.fix->mode == model::FixMode::replace && a.fix->new_mac
                    ? nl.neigh_replace(a.before.ifindex, a.before.ip, *a.fix->new_mac)
                    : nl.neigh_delete(a.before.ifindex, a.before.ip);
    if (done) a.fix->applied = true;
    else a.fix->error = done.error().message;
    if (on_change) on_change(a);
  }
}

Result<std::vector<model::NeighEntry>> read_after(net::NetlinkClient& nl, int ifindex, std::vector<model::NeighAudit>& audits) {
  auto now = nl.neigh_dump(wire::Family::v4, ifindex);
  if (!now) return std::unexpected(now.error());
  // Sorted once, searched per audit: no map nodes for a table of 100 000 entries.
  auto before = [](const model::NeighEntry& x, const std::pair<int, wire::IpAddr>& k) {
    return std::pair(x.ifindex, x.ip) < k;
  };
  std::sort(now->begin(), now->end(), [](const model::NeighEntry& x, const model::NeighEntry& y) {
    return std::pair(x.ifindex, x.ip) < std::pair(y.ifindex, y.ip);
  });
  for (auto& a : audits) {
    const std::pair key(a.before.ifindex, a.before.ip);
    auto it = std::lower_bound(now->begin(), now->end(), key, before);
    if (it != now->end() && it->ifindex == key.first && it->ip == key.second) a.after = *it;
  }
  return std::move(*now);
}

}  // namespace vpcprobe::probe
