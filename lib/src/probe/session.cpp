#include "vpcprobe/probe/session.hpp"

#include "vpcprobe/diag/verdict.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/probe/icmp.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::probe {

namespace {

std::vector<model::PathResult*> paths_of(const std::vector<model::Diagnosis*>& diags) {
  std::vector<model::PathResult*> out;
  for (auto* d : diags) {
    out.push_back(&d->private_path);
    if (d->public_path) out.push_back(&*d->public_path);
  }
  return out;
}

// The ops of one path, cancelled together.
struct PathOps : Operation {
  std::vector<OperationPtr> ops;
  void cancel() override {
    for (auto& op : ops) op->cancel();
  }
};

Result<void> claim_id(net::Channel& ch, model::ProbeMethod method, std::uint16_t& id) {
  if (method == model::ProbeMethod::ping_socket) {
    auto bound = bind_ping_socket(ch, id);
    if (!bound) return std::unexpected(bound.error());
    id = *bound;
    return {};
  }
  return filter_echo_replies(ch, id);
}

}  // namespace

DiagnosisSockets open_diagnosis_sockets() {
  DiagnosisSockets s;
  if (auto arp = sys::open_arp_socket()) s.arp = std::move(*arp);
  else s.arp_missing = arp.error().code == Errc::permission ? "needs CAP_NET_RAW" : arp.error().message;
  auto icmp = sys::open_icmp_socket({});
  if (icmp) {
    s.icmp_method = icmp->method;
    s.icmp = std::move(icmp->fd);
    if (auto df = sys::open_icmp_socket({0, true, {}})) s.icmp_df = std::move(df->fd);
  } else {
    s.icmp_missing = icmp.error().code == Errc::permission ? "needs CAP_NET_RAW or net.ipv4.ping_group_range" : icmp.error().message;
  }
  if (auto tcp = sys::open_tcp_raw_socket({})) s.tcp = std::move(*tcp);
  return s;
}

Result<std::unique_ptr<DiagnosisChannels>> DiagnosisChannels::create(asio::io_context& io, DiagnosisSockets sockets,
                                                                     const Identity& identity) {
  std::unique_ptr<DiagnosisChannels> c(new DiagnosisChannels());
  auto& ps = c->ps_;
  ps.icmp_method = sockets.icmp_method;
  ps.arp_missing = sockets.arp_missing;
  ps.icmp_missing = sockets.icmp_missing;
  if (sockets.arp) ps.arp = &c->arp_.emplace(io, std::move(*sockets.arp));
  if (sockets.icmp) {
    ps.icmp = &c->icmp_.emplace(io, std::move(*sockets.icmp));
    ps.icmp_id = identity.icmp_id();
    if (auto ok = claim_id(*ps.icmp, ps.icmp_method, ps.icmp_id); !ok) return std::unexpected(ok.error());
  }
  if (sockets.icmp_df) {
    ps.icmp_df = &c->icmp_df_.emplace(io, std::move(*sockets.icmp_df));
    ps.icmp_df_id = static_cast<std::uint16_t>(identity.icmp_id() + 1);
    if (auto ok = claim_id(*ps.icmp_df, ps.icmp_method, ps.icmp_df_id); !ok) return std::unexpected(ok.error());
  }
  if (sockets.tcp) ps.tcp_raw = &c->tcp_.emplace(io, std::move(*sockets.tcp));
  return c;
}

void prepare(const std::vector<model::Diagnosis*>& diags, std::chrono::steady_clock::time_point dns_deadline,
             net::NetlinkClient& nl) {
  auto paths = paths_of(diags);
  std::vector<net::PendingResolve> pending;
  pending.reserve(paths.size());
  for (auto* p : paths) pending.emplace_back(p->input, dns_deadline);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    auto r = pending[i].get();
    auto* p = paths[i];
    if (r) p->target = model::TargetInfo{p->input, r->addr, r->was_name, r->resolve_ms};
    else p->dns_error = r.error().message;
  }
  for (auto* p : paths) read_kernel_view(nl, *p);
}

std::shared_ptr<Schedule> start(asio::io_context& io, const DiagnosisChannels& channels, const Identity& identity,
                                const std::vector<model::Diagnosis*>& diags, std::chrono::milliseconds timeout,
                                Schedule::Duration gap, std::function<void()> done) {
  auto paths = std::make_shared<std::vector<model::PathResult*>>(paths_of(diags));
  std::vector<Schedule::Duration> offsets;
  for (std::size_t i = 0; i < paths->size(); ++i) offsets.push_back(gap * static_cast<long>(i));
  auto schedule = std::make_shared<Schedule>(
      io, offsets,
      [&io, &channels, &identity, paths, timeout](int index, std::function<void()> completed) -> OperationPtr {
        auto group = std::make_shared<PathOps>();
        group->ops = run_path_probes(io, channels.sockets(), identity, index, *(*paths)[static_cast<std::size_t>(index)],
                                     timeout, [completed] { completed(); });
        return group;
      },
      std::move(done));
  schedule->start();
  return schedule;
}

void conclude(const std::vector<model::Diagnosis*>& diags, net::NetlinkClient& nl, bool cut_short,
              std::chrono::steady_clock::time_point started) {
  auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  for (auto* d : diags) {
    for (auto* p : {&d->private_path, d->public_path ? &*d->public_path : nullptr}) {
      if (!p) continue;
      read_neighbor_after(nl, *p);
      if (!cut_short) continue;
      // What had not answered when the run was cut short was not tested, not "not applicable".
      if (p->next_hop && !p->arp && !p->arp_not_run) p->arp_not_run = "interrupted (needs CAP_NET_RAW)";
      if (!p->echo && !p->echo_not_run) p->echo_not_run = "interrupted";
      if (p->port && !p->tcp && !p->tcp_not_run) p->tcp_not_run = "interrupted";
      if (p->mtu_probes.empty() && !p->mtu_not_run) p->mtu_not_run = "interrupted";
    }
    d->duration_ms = elapsed;
    diag::judge(*d);
    if (cut_short) d->verdict.evidence.push_back("cut short (interrupted or past the deadline) before every probe finished");
  }
}

}  // namespace vpcprobe::probe
