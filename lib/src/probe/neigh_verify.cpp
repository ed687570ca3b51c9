#include "vpcprobe/probe/neigh_verify.hpp"

#include <algorithm>
#include <memory>

#include "vpcprobe/diag/neigh_audit.hpp"
#include "vpcprobe/probe/arp.hpp"

namespace vpcprobe::probe {

const model::LinkInfo* InterfaceView::link(int ifindex) const {
  for (const auto& l : links)
    if (l.ifindex == ifindex) return &l;
  return nullptr;
}

std::optional<wire::Ipv4> InterfaceView::source_for(int ifindex, const wire::Ipv4& ip) const {
  std::optional<wire::Ipv4> any;
  for (const auto& a : addrs) {
    if (a.ifindex != ifindex) continue;
    if (a.contains(ip)) return a.addr;
    if (!any) any = a.addr;
  }
  return any;
}

Result<InterfaceView> read_interfaces(net::NetlinkClient& nl, const std::vector<model::NeighEntry>& entries) {
  InterfaceView v;
  auto addrs = nl.addresses();
  if (!addrs) return std::unexpected(addrs.error());
  v.addrs = std::move(*addrs);
  for (const auto& e : entries) {
    if (v.link(e.ifindex)) continue;
    auto l = nl.link(e.ifindex);
    if (!l) return std::unexpected(l.error());
    v.links.push_back(*l);
  }
  return v;
}

std::shared_ptr<Schedule> async_verify(asio::io_context& io, net::Channel& arp, const InterfaceView& ifaces,
                                       std::vector<model::NeighAudit>& audits, const VerifySpec& spec,
                                       std::function<void()> done) {
  // Decide up front which entries can be checked, and at what offset each starts.
  struct Job {
    std::size_t audit;
    ArpSpec arp;
  };
  auto jobs = std::make_shared<std::vector<Job>>();
  for (std::size_t i = 0; i < audits.size(); ++i) {
    auto& a = audits[i];
    const auto* link = ifaces.link(a.before.ifindex);
    auto reason = link ? diag::not_verifiable_reason(a.before, *link) : std::optional<std::string>("interface gone");
    auto src = ifaces.source_for(a.before.ifindex, a.before.ip);
    if (!reason && (!link->mac || !src)) reason = "interface has no IPv4 address to ask from";
    if (reason) {
      a.cls = model::NeighClass::not_verifiable;
      a.reason = *reason;
      continue;
    }
    ArpSpec s;
    s.ifindex = link->ifindex;
    s.our_mac = *link->mac;
    s.our_ip = *src;
    s.target = a.before.ip;
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
        return async_arp(io, arp, job.arp, [&audits, idx = job.audit, completed, progress, finished, total = jobs->size()](model::ArpProbeResult r) {
          auto& a = audits[idx];
          a.answering = r.answering_macs();
          a.cls = diag::classify(a.before, r);
          a.probe = std::move(r);
          if (progress) progress(++*finished, total);
          completed();
        });
      },
      std::move(done));
  schedule->start();
  return schedule;
}

}  // namespace vpcprobe::probe
