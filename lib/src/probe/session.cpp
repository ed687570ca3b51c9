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

namespace {

Result<model::NotRun> missing(const Error& e, const char* what) {
  if (e.code == Errc::permission) return model::NotRun{model::Cause::no_privilege, what};
  // IPv6 turned off in the kernel (ipv6.disable=1): a socket family it does not have.
  if (e.sys_errno == EAFNOSUPPORT) return model::NotRun{model::Cause::no_socket, e.message};
  return std::unexpected(e);
}

Result<void> open_family(wire::Family family, FamilySockets& s) {
  s.wanted = true;
  auto icmp = sys::open_icmp_socket(family, {});
  if (icmp) {
    s.icmp_method = icmp->method;
    s.icmp = std::move(icmp->fd);
    sys::SocketOptions df;
    df.dont_fragment = true;
    if (auto dfs = sys::open_icmp_socket(family, df)) s.icmp_df = std::move(dfs->fd);
    else s.icmp_df_missing = model::NotRun{model::Cause::no_socket, dfs.error().message};
  } else {
    auto why = missing(icmp.error(), family == wire::Family::v4 ? "CAP_NET_RAW or net.ipv4.ping_group_range" : "CAP_NET_RAW or net.ipv4.ping_group_range (it governs ICMPv6 too)");
    if (!why) return std::unexpected(why.error());
    s.icmp_missing = *why;
  }
  if (auto tcp = sys::open_tcp_raw_socket(family, {})) s.tcp = std::move(*tcp);
  else if (tcp.error().code != Errc::permission && !s.icmp_missing) return std::unexpected(tcp.error());
  return {};
}

}  // namespace

Result<DiagnosisSockets> open_diagnosis_sockets(model::FamilyPolicy families) {
  DiagnosisSockets s;
  if (families.v4) {
    if (auto arp = sys::open_arp_socket()) {
      s.arp = std::move(*arp);
    } else {
      auto why = missing(arp.error(), "CAP_NET_RAW");
      if (!why) return std::unexpected(why.error());
      s.arp_missing = *why;
    }
    if (auto ok = open_family(wire::Family::v4, s.v4); !ok) return std::unexpected(ok.error());
  }
  if (families.v6) {
    // Beside IPv4 (a name), IPv6 is the second family: whatever fails there is recorded as that
    // family's reason and never ends an IPv4 run.
    const bool second = families.v4;
    auto unavailable = [](const Error& e) { return model::NotRun{model::Cause::no_socket, e.message}; };
    if (auto ndp = sys::open_ndp_socket()) {
      s.ndp = std::move(*ndp);
    } else {
      auto why = missing(ndp.error(), "CAP_NET_RAW");
      if (!why && !second) return std::unexpected(why.error());
      s.ndp_missing = why ? *why : unavailable(ndp.error());
    }
    if (auto ok = open_family(wire::Family::v6, s.v6); !ok) {
      if (!second) return std::unexpected(ok.error());
      s.v6 = FamilySockets{};
      s.v6.wanted = true;
      s.v6.icmp_missing = s.v6.icmp_df_missing = unavailable(ok.error());
    }
  }
  // Without it, what left and what arrived is simply not said.
  if (auto witness = sys::open_witness_socket()) s.witness = std::move(*witness);
  else if (witness.error().code != Errc::permission) return std::unexpected(witness.error());
  return s;
}

Result<std::unique_ptr<DiagnosisChannels>> DiagnosisChannels::create(asio::io_context& io, DiagnosisSockets sockets,
                                                                     const wire::Identity& identity) {
  std::unique_ptr<DiagnosisChannels> c(new DiagnosisChannels());
  auto& ps = c->ps_;
  ps.arp_missing = sockets.arp_missing;
  ps.ndp_missing = sockets.ndp_missing;
  auto channel = [&io](std::optional<sys::UniqueFd>& fd, std::unique_ptr<net::Channel>& into) -> Result<net::Channel*> {
    if (!fd) return nullptr;
    auto ch = net::Channel::open(io, std::move(*fd));
    if (!ch) return std::unexpected(ch.error());
    into = std::move(*ch);
    return into.get();
  };
  auto arp = channel(sockets.arp, c->arp_);
  auto ndp = channel(sockets.ndp, c->ndp_);
  auto witness = channel(sockets.witness, c->witness_);
  for (const auto* r : {&arp, &ndp, &witness})
    if (!*r) return std::unexpected(r->error());
  ps.witness = *witness;
  ps.arp = *arp;
  ps.ndp = *ndp;
  // Each family's echo, DF echo and raw TCP; the IPv6 echo ids are the IPv4 ones + 2 and + 3.
  auto one_family = [&](wire::Family f, FamilySockets& fs, PathFamilySockets& out, std::unique_ptr<net::Channel>& icmp_ch,
                        std::unique_ptr<net::Channel>& df_ch, std::unique_ptr<net::Channel>& tcp_ch, std::uint16_t id) -> Result<void> {
    out.icmp_method = fs.icmp_method;
    out.icmp_missing = fs.wanted ? fs.icmp_missing : model::NotRun{model::Cause::not_applicable, "-" + std::string(f == wire::Family::v4 ? "6" : "4")};
    out.icmp_df_missing = fs.wanted ? fs.icmp_df_missing : out.icmp_missing;
    auto family = family_ops(f);
    if (!family) return std::unexpected(family.error());
    auto icmp = channel(fs.icmp, icmp_ch);
    auto icmp_df = channel(fs.icmp_df, df_ch);
    auto tcp = channel(fs.tcp, tcp_ch);
    for (const auto* r : {&icmp, &icmp_df, &tcp})
      if (!*r) return std::unexpected(r->error());
    out.icmp = *icmp;
    out.icmp_df = *icmp_df;
    out.tcp_raw = *tcp;
    if (out.icmp) {
      auto claimed = claim_echo_id(*out.icmp, **family, out.icmp_method, id);
      if (!claimed) return std::unexpected(claimed.error());
      out.icmp_id = *claimed;
    }
    if (out.icmp_df) {
      auto claimed = claim_echo_id(*out.icmp_df, **family, out.icmp_method, static_cast<std::uint16_t>(id + 1));
      if (!claimed) return std::unexpected(claimed.error());
      out.icmp_df_id = *claimed;
    }
    return {};
  };
  if (auto ok = one_family(wire::Family::v4, sockets.v4, ps.v4, c->icmp_, c->icmp_df_, c->tcp_, identity.icmp_id()); !ok)
    return std::unexpected(ok.error());
  if (auto ok = one_family(wire::Family::v6, sockets.v6, ps.v6, c->icmp6_, c->icmp6_df_, c->tcp6_,
                           static_cast<std::uint16_t>(identity.icmp_id() + 2));
      !ok) {
    if (!sockets.v4.wanted) return std::unexpected(ok.error());
    // The second family: its reason, not the end of the run.
    ps.v6 = PathFamilySockets{};
    ps.v6.icmp_missing = ps.v6.icmp_df_missing = model::NotRun{model::Cause::no_socket, ok.error().message};
    for (auto* ch : {&c->icmp6_, &c->icmp6_df_, &c->tcp6_}) ch->reset();
  }
  return c;
}

DiagnosisChannels::~DiagnosisChannels() {
  // Packet sockets: closed off the critical path, once the report is out (sys::close_deferred).
  for (auto* ch : {&arp_, &ndp_, &witness_})
    if (*ch) sys::defer_close((*ch)->take());
}

Result<void> DiagnosisChannels::watch_hosts(const std::vector<wire::IpAddr>& hosts) {
  if (!ps_.witness) return {};
  return filter_hosts(*ps_.witness, hosts);
}

std::uint64_t DiagnosisChannels::send_retries() const {
  std::uint64_t n = 0;
  for (const auto* ch : {arp_.get(), ndp_.get(), icmp_.get(), icmp_df_.get(), tcp_.get(), icmp6_.get(), icmp6_df_.get(), tcp6_.get()})
    if (ch) n += ch->send_retries();
  return n;
}

void prepare(const std::vector<model::Diagnosis*>& diags, std::chrono::steady_clock::time_point dns_deadline,
             net::NetlinkClient& nl, model::FamilyPolicy families) {
  auto paths = paths_of(diags);
  std::vector<net::PendingResolve> pending;
  pending.reserve(paths.size());
  for (auto* p : paths) pending.emplace_back(p->endpoint, dns_deadline, families);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    auto r = pending[i].get();
    auto* p = paths[i];
    if (r) p->target = model::TargetInfo{p->input, r->addr, r->was_name, r->resolve_ms, r->other_family, p->endpoint.zone};
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
