#include "vpcprobe/probe/neigh_audit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "vpcprobe/probe/arp.hpp"

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

std::shared_ptr<Schedule> async_verify(asio::io_context& io, net::Channel& arp, const InterfaceView& ifaces,
                                       std::vector<model::NeighAudit>& audits, const VerifySpec& spec,
                                       std::function<void()> done) {
  struct Job {
    std::size_t audit;
    ArpSpec arp;
  };
  auto jobs = std::make_shared<std::vector<Job>>();
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
    ArpSpec s;
    s.ifindex = link->ifindex;
    s.our_mac = *link->mac;
    s.our_ip = src->v4();
    s.target = a.before.ip.v4();
    s.unicast_to = a.before.mac;
    s.count = 2;
    s.interval = std::min(std::chrono::milliseconds(250), spec.timeout / 3);
    s.wait = spec.timeout - s.interval;
    s.finish_when_answered = true;
    jobs->push_back({i, s});
  }
  // Two requests per round, two rounds at most: pace the starts so the first rounds stay under
  // the rate; the second rounds only go to entries that did not answer.
  std::vector<Schedule::Duration> offsets;
  auto gap = std::chrono::duration_cast<Schedule::Duration>(std::chrono::duration<double>(2.0 / spec.rate_pps));
  for (std::size_t j = 0; j < jobs->size(); ++j) offsets.push_back(gap * static_cast<long>(j));
  auto schedule = std::make_shared<Schedule>(
      io, offsets,
      [&io, &arp, &audits, jobs, progress = spec.progress, finished = std::make_shared<std::size_t>(0)](
          int index, std::function<void()> completed) -> OperationPtr {
        const auto& job = (*jobs)[static_cast<std::size_t>(index)];
        return async_arp(io, arp, job.arp,
                         [&audits, idx = job.audit, completed, progress, finished, total = jobs->size()](model::ArpProbeResult r) {
                           auto& a = audits[idx];
                           a.answering = r.answering_macs();
                           a.probe = std::move(r);
                           if (progress) progress(++*finished, total);
                           completed();
                         });
      },
      std::move(done));
  schedule->start();
  return schedule;
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

Result<void> read_after(net::NetlinkClient& nl, int ifindex, std::vector<model::NeighAudit>& audits) {
  auto now = nl.neigh_dump(wire::Family::v4, ifindex);
  if (!now) return std::unexpected(now.error());
  std::map<std::pair<int, wire::IpAddr>, model::NeighEntry> by_key;
  for (auto& e : *now) by_key[{e.ifindex, e.ip}] = e;
  for (auto& a : audits) {
    auto it = by_key.find({a.before.ifindex, a.before.ip});
    if (it != by_key.end()) a.after = it->second;
  }
  return {};
}

}  // namespace vpcprobe::probe
