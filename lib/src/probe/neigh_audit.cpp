#include "vpcprobe/probe/neigh_audit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "vpcprobe/probe/arp.hpp"
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

namespace {
// Both families' entries (IPv4 first, as `ip neigh` lists them), or the one asked for.
Result<std::vector<model::NeighEntry>> dump(net::NetlinkClient& nl, int ifindex, model::FamilyPolicy families) {
  std::vector<model::NeighEntry> all;
  for (auto f : {wire::Family::v4, wire::Family::v6}) {
    if (!families.speaks(f)) continue;
    auto entries = nl.neigh_dump(f, ifindex);
    if (!entries) return std::unexpected(entries.error());
    // IPv6 multicast entries (ff02::1:ff00:5 -> 33:33:ff:00:00:05) are the kernel's computed
    // group mapping, not neighbors: `ip -6 neigh` hides them too (NOARP).
    for (auto& e : *entries)
      if (!(e.ip.is_v6() && e.ip.is_multicast())) all.push_back(std::move(e));
  }
  return all;
}
}  // namespace

Result<AuditTable> read_audit_table(net::NetlinkClient& nl, int ifindex, model::FamilyPolicy families) {
  auto entries = dump(nl, ifindex, families);
  if (!entries) return std::unexpected(entries.error());
  AuditTable t;
  for (auto f : {wire::Family::v4, wire::Family::v6}) {
    if (!families.speaks(f)) continue;
    auto addrs = nl.addresses(f);
    if (!addrs) return std::unexpected(addrs.error());
    t.interfaces.addrs.insert(t.interfaces.addrs.end(), addrs->begin(), addrs->end());
  }
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

namespace {
// The interface an entry is asked on and the address that asks (of the entry's family), or
// nothing, with the reason recorded on the entry.
std::optional<std::pair<const model::LinkInfo*, wire::IpAddr>> ask_from(const InterfaceView& ifaces, model::NeighAudit& a) {
  const auto* link = ifaces.link(a.before.ifindex);
  if (!link) {
    a.unverifiable = model::Unverifiable::interface_gone;
    return std::nullopt;
  }
  auto src = ifaces.source_for(a.before.ifindex, a.before.ip);
  if (!link->mac || !src || !a.before.mac) {  // source_for answers in the entry's family only
    a.unverifiable = model::Unverifiable::no_source_address;
    return std::nullopt;
  }
  return std::pair{link, *src};
}
}  // namespace

OperationPtr async_verify(asio::io_context& io, net::Channel& arp, const InterfaceView& ifaces,
                          std::vector<model::NeighAudit>& audits, const VerifySpec& spec,
                          std::function<void(ApplyResults apply, model::ArpSweepStats)> done) {
  std::vector<SweepInterface> sweep_ifaces;
  std::vector<SweepTarget> targets;
  auto jobs = std::make_shared<std::vector<std::uint32_t>>();  // target -> audit
  for (std::size_t i = 0; i < audits.size(); ++i) {
    auto& a = audits[i];
    if (a.unverifiable || a.probe || !a.before.ip.is_v4()) continue;
    auto where = ask_from(ifaces, a);
    if (!where) continue;
    const auto& [link, src] = *where;
    // One sweep interface per (link, source address): usually one per link.
    std::uint32_t slot = 0;
    while (slot < sweep_ifaces.size() && !(sweep_ifaces[slot].ifindex == link->ifindex && sweep_ifaces[slot].ip == src.v4())) ++slot;
    if (slot == sweep_ifaces.size()) sweep_ifaces.push_back({link->ifindex, *link->mac, src.v4()});
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

OperationPtr async_verify_ndp(asio::io_context& io, net::Channel& ndp, const InterfaceView& ifaces,
                              std::vector<model::NeighAudit>& audits, const VerifySpec& spec,
                              std::function<void(ApplyResults apply)> done) {
  std::vector<ArpSpec> specs;
  auto jobs = std::make_shared<std::vector<std::uint32_t>>();
  for (std::size_t i = 0; i < audits.size(); ++i) {
    auto& a = audits[i];
    if (a.unverifiable || a.probe || !a.before.ip.is_v6()) continue;
    auto where = ask_from(ifaces, a);
    if (!where) continue;
    const auto& [link, src] = *where;
    ArpSpec s = quick_check_spec(spec.timeout);
    s.ifindex = link->ifindex;
    s.our_mac = *link->mac;
    s.our_ip = src;
    s.target = a.before.ip;
    s.unicast_to = a.before.mac;
    specs.push_back(s);
    jobs->push_back(static_cast<std::uint32_t>(i));
  }
  auto results = std::make_shared<std::vector<std::optional<model::ArpProbeResult>>>(specs.size());
  const auto gap = std::chrono::duration_cast<Schedule::Duration>(std::chrono::duration<double>(2.0 / std::max(1.0, spec.rate_pps)));
  std::vector<Schedule::Duration> offsets;
  for (std::size_t i = 0; i < specs.size(); ++i) offsets.push_back(gap * static_cast<long>(i));
  auto progress = spec.progress;
  auto finished = std::make_shared<std::size_t>(0);
  auto schedule = std::make_shared<Schedule>(
      io, offsets,
      [&io, &ndp, specs, results, progress, finished](int i, std::function<void()> completed) -> OperationPtr {
        return async_arp(io, ndp, specs[static_cast<std::size_t>(i)],
                         [results, i, completed, progress, finished, total = specs.size()](model::ArpProbeResult r) {
                           (*results)[static_cast<std::size_t>(i)] = std::move(r);
                           if (progress) progress(++*finished, total);
                           completed();
                         });
      },
      [jobs, results, done = std::move(done)] {
        done([jobs, results](std::vector<model::NeighAudit>& owned) {
          for (std::size_t t = 0; t < results->size() && t < jobs->size(); ++t) {
            if ((*jobs)[t] >= owned.size() || !(*results)[t]) continue;
            auto& a = owned[(*jobs)[t]];
            a.answering = (*results)[t]->answering_macs();
            a.probe = std::move(*(*results)[t]);
          }
        });
      });
  schedule->start();
  // The schedule as an operation: cancelling it ends every probe with what it has.
  struct Handle : Operation {
    std::shared_ptr<Schedule> s;
    void cancel() override { s->cancel(); }
    ~Handle() override { s->cancel(); }  // dropped with its round: no probe starts after that
  };
  auto h = std::make_shared<Handle>();
  h->s = schedule;
  return h;
}

Result<std::vector<model::NeighEntry>> read_after(net::NetlinkClient& nl, int ifindex, std::vector<model::NeighAudit>& audits,
                                                  model::FamilyPolicy families) {
  auto now = dump(nl, ifindex, families);
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
