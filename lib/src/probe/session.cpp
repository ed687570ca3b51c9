#include "vpcprobe/probe/session.hpp"

#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/probe/icmp.hpp"
#include "vpcprobe/probe/witness.hpp"
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

// What had not answered when the run was cut short was not tested, not "not applicable".
void mark_unfinished(model::PathResult& p) {
  const model::NotRun cut{model::Cause::interrupted, {}};
  if (p.next_hop && !p.arp && !p.arp_not_run) p.arp_not_run = cut;
  if (p.echoes.empty() && !p.echo_not_run) p.echo_not_run = cut;
  if (p.port && p.syns.empty() && !p.tcp_not_run) p.tcp_not_run = cut;
  if (p.mtu_probes.empty() && !p.mtu_not_run) p.mtu_not_run = cut;
  if (p.port && p.app.protocol != model::AppProtocol::none && !p.app_result && !p.app_not_run) p.app_not_run = cut;
}

// The ops of one path, cancelled together.
struct PathOps : Operation {
  std::vector<OperationPtr> ops;
  void cancel() override {
    for (auto& op : ops) op->cancel();
  }
};

}  // namespace

Result<DiagnosisSockets> open_diagnosis_sockets(wire::Family family) {
  DiagnosisSockets s;
  s.family = family;
  auto missing = [](const Error& e, const char* what) -> Result<model::NotRun> {
    if (e.code == Errc::permission) return model::NotRun{model::Cause::no_privilege, what};
    return std::unexpected(e);
  };
  if (auto arp = sys::open_arp_socket()) {
    s.arp = std::move(*arp);
  } else {
    auto why = missing(arp.error(), "CAP_NET_RAW");
    if (!why) return std::unexpected(why.error());
    s.arp_missing = *why;
  }
  auto icmp = sys::open_icmp_socket(family, {});
  if (icmp) {
    s.icmp_method = icmp->method;
    s.icmp = std::move(icmp->fd);
    sys::SocketOptions df;
    df.dont_fragment = true;
    if (auto dfs = sys::open_icmp_socket(family, df)) s.icmp_df = std::move(dfs->fd);
    else s.icmp_df_missing = model::NotRun{model::Cause::no_socket, dfs.error().message};
  } else {
    auto why = missing(icmp.error(), "CAP_NET_RAW or net.ipv4.ping_group_range");
    if (!why) return std::unexpected(why.error());
    s.icmp_missing = *why;
  }
  if (auto tcp = sys::open_tcp_raw_socket(family, {})) s.tcp = std::move(*tcp);
  else if (tcp.error().code != Errc::permission) return std::unexpected(tcp.error());
  // Without it, what left and what arrived is simply not said.
  if (auto witness = sys::open_witness_socket()) s.witness = std::move(*witness);
  else if (witness.error().code != Errc::permission) return std::unexpected(witness.error());
  return s;
}

Result<std::unique_ptr<DiagnosisChannels>> DiagnosisChannels::create(asio::io_context& io, DiagnosisSockets sockets,
                                                                     const wire::Identity& identity) {
  std::unique_ptr<DiagnosisChannels> c(new DiagnosisChannels());
  auto& ps = c->ps_;
  ps.icmp_method = sockets.icmp_method;
  ps.arp_missing = sockets.arp_missing;
  ps.icmp_missing = sockets.icmp_missing;
  ps.icmp_df_missing = sockets.icmp_df_missing;
  auto channel = [&io](std::optional<sys::UniqueFd>& fd, std::unique_ptr<net::Channel>& into) -> Result<net::Channel*> {
    if (!fd) return nullptr;
    auto ch = net::Channel::open(io, std::move(*fd));
    if (!ch) return std::unexpected(ch.error());
    into = std::move(*ch);
    return into.get();
  };
  auto family = family_ops(sockets.family);
  if (!family) return std::unexpected(family.error());
  auto arp = channel(sockets.arp, c->arp_);
  auto icmp = channel(sockets.icmp, c->icmp_);
  auto icmp_df = channel(sockets.icmp_df, c->icmp_df_);
  auto tcp = channel(sockets.tcp, c->tcp_);
  auto witness = channel(sockets.witness, c->witness_);
  for (const auto* r : {&arp, &icmp, &icmp_df, &tcp, &witness})
    if (!*r) return std::unexpected(r->error());
  ps.witness = *witness;
  ps.arp = *arp;
  ps.icmp = *icmp;
  ps.icmp_df = *icmp_df;
  ps.tcp_raw = *tcp;
  if (ps.icmp) {
    auto id = claim_echo_id(*ps.icmp, **family, ps.icmp_method, identity.icmp_id());
    if (!id) return std::unexpected(id.error());
    ps.icmp_id = *id;
  }
  if (ps.icmp_df) {
    auto id = claim_echo_id(*ps.icmp_df, **family, ps.icmp_method, static_cast<std::uint16_t>(identity.icmp_id() + 1));
    if (!id) return std::unexpected(id.error());
    ps.icmp_df_id = *id;
  }
  return c;
}

DiagnosisChannels::~DiagnosisChannels() {
  // Packet sockets: closed off the critical path, once the report is out (sys::close_deferred).
  for (auto* ch : {&arp_, &witness_})
    if (*ch) sys::defer_close((*ch)->take());
}

Result<void> DiagnosisChannels::watch_hosts(const std::vector<wire::IpAddr>& hosts) {
  if (!ps_.witness) return {};
  return filter_hosts(*ps_.witness, hosts);
}

std::uint64_t DiagnosisChannels::send_retries() const {
  std::uint64_t n = 0;
  for (const auto* ch : {arp_.get(), icmp_.get(), icmp_df_.get(), tcp_.get()})
    if (ch) n += ch->send_retries();
  return n;
}

void prepare(const std::vector<model::Diagnosis*>& diags, std::chrono::steady_clock::time_point dns_deadline,
             net::NetlinkClient& nl) {
  auto paths = paths_of(diags);
  std::vector<net::PendingResolve> pending;
  pending.reserve(paths.size());
  for (auto* p : paths) pending.emplace_back(p->endpoint, dns_deadline);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    auto r = pending[i].get();
    auto* p = paths[i];
    if (r) p->target = model::TargetInfo{p->input, r->addr, r->was_name, r->resolve_ms};
    else p->dns_error = r.error().dns.value_or(model::DnsFailure{model::DnsFailure::Kind::not_found, r.error().error.message});
  }
  for (auto* p : paths) read_kernel_view(nl, *p);
}

std::vector<wire::IpAddr> targets_of(const std::vector<model::Diagnosis*>& diags) {
  std::vector<wire::IpAddr> out;
  for (auto* p : paths_of(diags))
    if (p->target) out.push_back(p->target->addr);
  return out;
}

std::shared_ptr<Schedule> start(asio::io_context& io, const DiagnosisChannels& channels, const wire::Identity& identity,
                                const std::vector<model::Diagnosis*>& diags, const PathPlan& plan, Schedule::Duration gap,
                                std::function<void()> done) {
  auto paths = std::make_shared<std::vector<model::PathResult*>>(paths_of(diags));
  std::vector<Schedule::Duration> offsets;
  for (std::size_t i = 0; i < paths->size(); ++i) offsets.push_back(gap * static_cast<long>(i));
  // The schedule only watches its operations (weak pointers); the groups of a path's probes are
  // kept here, so cancelling the schedule (the deadline, a signal) reaches every probe.
  auto groups = std::make_shared<std::vector<std::shared_ptr<PathOps>>>();
  auto schedule = std::make_shared<Schedule>(
      io, offsets,
      [&io, &channels, &identity, paths, groups, plan](int index, std::function<void()> completed) -> OperationPtr {
        auto group = std::make_shared<PathOps>();
        groups->push_back(group);
        group->ops = run_path_probes(io, channels.sockets(), identity, index, *(*paths)[static_cast<std::size_t>(index)],
                                     plan, [completed] { completed(); });
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
      read_after_probes(nl, *p);
      if (cut_short) mark_unfinished(*p);
    }
    d->duration_ms = elapsed;
    d->verdict.cut_short = cut_short;
  }
}

}  // namespace vpcprobe::probe
