// Every layer's probes of one path at once: ARP to the next hop, a series of echoes, DF echoes of
// several sizes, a series of SYNs, and (with CAP_NET_RAW) the witness watching them on the wire.
#include <algorithm>
#include <memory>

#include "vpcprobe/net/tls.hpp"
#include "vpcprobe/probe/app.hpp"
#include "vpcprobe/probe/arp.hpp"
#include "vpcprobe/probe/icmp.hpp"
#include "vpcprobe/probe/path.hpp"
#include "vpcprobe/probe/series.hpp"
#include "vpcprobe/probe/tcp.hpp"
#include "vpcprobe/probe/witness.hpp"

namespace vpcprobe::probe {

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

// Identities per path: 64 echo sequence numbers (the plain series first, the DF sizes from 32) and
// 32 SYN source ports, so no two paths of a run share one.
constexpr int kSeqPerPath = 64, kDfSeqOffset = 32, kSynPortsPerPath = 32;

// `count` probes, and up to `extra` more when they disagree or go unanswered (by default up to 16
// in all: enough that 70 % random loss still shows an answer, 0.7^16 < 0.5 %).
SeriesPlan series_plan(const PathPlan& plan, int count, int extra) {
  SeriesPlan s;
  s.count = std::clamp(count, 1, PathPlan::kMaxCount);
  s.extra = extra;
  s.most = kSeqPerPath - kDfSeqOffset;  // the plain echoes' sequence numbers, and the SYNs' source ports
  s.timeout = plan.timeout;
  s.gap = SeriesPlan::spacing(plan.timeout, s.count);
  return s;
}

// An operation started later, when (and if) its moment comes: the application check, once a SYN
// found the port open. Cancelled before it starts, it never starts.
struct LateOperation : Operation {
  std::function<OperationPtr(const model::TcpResult&)> launch;  // given the SYN that found the port open
  std::function<void(model::NotRun)> never;  // it will not start: why
  OperationPtr running;
  bool ended = false;
  void start_once(const model::TcpResult& open) {
    if (ended) return;
    ended = true;
    running = launch(open);
  }
  void give_up(model::NotRun why) {
    if (ended) return;
    ended = true;
    never(std::move(why));
  }
  void cancel() override {
    if (running) running->cancel();
    else give_up({model::Cause::interrupted, {}});
  }
};

}  // namespace

std::vector<OperationPtr> run_path_probes(asio::io_context& io, const PathSockets& s, const wire::Identity& identity, int path_index,
                                          model::PathResult& p, const PathPlan& plan, std::function<void()> done) {
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
  const PathFamilySockets& fs = s.of(ip.family());
  const auto timeout = plan.timeout;
  const auto seq_base = static_cast<std::uint16_t>(identity.seq_base() + path_index * kSeqPerPath);
  const bool raw_syn = p.port && fs.tcp_raw && p.route->prefsrc;
  std::vector<std::uint16_t> sports;
  if (raw_syn)
    for (int i = 0; i < kSynPortsPerPath; ++i) sports.push_back(identity.tcp_source_port(path_index * kSynPortsPerPath + i));

  // The witness first, so it sees the first probe leave. It stops when everything else is done.
  std::shared_ptr<Witness> witness;
  if (!s.witness || fs.icmp_method != model::ProbeMethod::raw) {
    p.witness_not_run = model::NotRun{model::Cause::no_privilege, "CAP_NET_RAW"};
  } else {
    WitnessSpec ws{ip, fs.icmp_id, seq_base, static_cast<std::uint16_t>(kDfSeqOffset), sports, p.port.value_or(0)};
    witness = std::make_shared<Witness>(*s.witness, ws);
    witness->start();
    ops.push_back(witness);
    auto then = std::move(pending->done);
    pending->done = [&p, witness, then = std::move(then)] {
      const auto& c = witness->counts();
      model::WireWitness w;
      w.echo_out = c.echo_out;
      w.echo_in = c.echo_in;
      w.tcp_out = c.tcp_out;
      w.tcp_in = c.tcp_in;
      // Of the devices a packet passed (a bond and its slave, a bridge and its port), the route's
      // own output device when it is one of them.
      auto pick = [oif = p.route ? p.route->oif : 0](const std::vector<int>& seen) {
        if (seen.empty()) return 0;
        return std::find(seen.begin(), seen.end(), oif) != seen.end() ? oif : seen.front();
      };
      w.out_ifindex = pick(c.out_ifindexes);
      w.in_ifindex = pick(c.in_ifindexes);
      p.witness = w;
      witness->cancel();
      then();
    };
  }

  // neighbor
  net::Channel* neighbor = ip.is_v6() ? s.ndp : s.arp;
  if (p.next_hop && !p.arp_not_run) {
    if (!neighbor) {
      p.arp_not_run = ip.is_v6() ? s.ndp_missing : s.arp_missing;
    } else if (!p.link || !p.link->mac || !p.route->prefsrc || p.route->prefsrc->family() != p.next_hop->family()) {
      p.arp_not_run = model::NotRun{model::Cause::no_source, p.link ? p.link->name : std::string()};
    } else {
      ArpSpec spec = quick_check_spec(timeout);
      spec.ifindex = p.link->ifindex;
      spec.our_mac = *p.link->mac;
      spec.our_ip = *p.route->prefsrc;
      spec.target = *p.next_hop;
      if (p.neigh_before && p.neigh_before->mac && !p.neigh_before->mac->is_zero()) spec.unicast_to = p.neigh_before->mac;
      pending->add();
      ops.push_back(async_arp(io, *neighbor, spec, [&p, pending](model::ArpProbeResult r) {
        p.arp = std::move(r);
        pending->complete();
      }));
    }
  }

  // The echo and SYN series share what they see: loss in one grows both.
  auto group = std::make_shared<SeriesGroup>(io);

  // network: a series of echoes
  if (!fs.icmp) {
    p.echo_not_run = fs.icmp_missing;
    p.mtu_not_run = fs.icmp_missing;
  } else {
    p.echo_method = fs.icmp_method;
    pending->add();
    ops.push_back(start_series<model::EchoResult>(
        io, series_plan(plan, plan.count, std::max(plan.count, PathPlan::kMaxCount - plan.count)),
        [&io, &fs, &fam, &identity, ip, seq_base](int i, std::chrono::milliseconds wait, std::function<void(model::EchoResult)> reply) {
          EchoSpec spec;
          spec.target = ip;
          spec.id = fs.icmp_id;
          spec.wire_seq = static_cast<std::uint16_t>(seq_base + i);
          spec.display_seq = i + 1;
          spec.tag = identity.payload_tag(spec.wire_seq);
          spec.timeout = wait;
          return async_echo(io, *fs.icmp, fam, fs.icmp_method, spec, std::move(reply));
        },
        [](const model::EchoResult& r) { return r.outcome == model::EchoOutcome::reply; },
        [&p, pending](std::vector<model::EchoResult> r) {
          p.echoes = std::move(r);
          pending->complete();
        },
        group));
    // mtu: DF echoes of every candidate size at once
    if (fs.icmp_df && p.link) {
      auto sizes = mtu_probe_sizes(p.link->mtu, ip.family());
      p.mtu_probes.resize(sizes.size());
      for (std::size_t i = 0; i < sizes.size(); ++i) {
        p.mtu_probes[i].size = sizes[i];
        EchoSpec df;
        df.target = ip;
        df.id = fs.icmp_df_id;
        df.wire_seq = static_cast<std::uint16_t>(seq_base + kDfSeqOffset + i);
        df.tag = identity.payload_tag(df.wire_seq);
        df.payload_size = sizes[i] - fam.ip_header - fam.icmp_header;
        df.timeout = timeout;
        pending->add();
        ops.push_back(async_echo(io, *fs.icmp_df, fam, fs.icmp_method, df, [&p, pending, i](model::EchoResult r) {
          p.mtu_probes[i].answered = r.outcome == model::EchoOutcome::reply;
          p.mtu_probes[i].interrupted = r.outcome == model::EchoOutcome::interrupted;
          p.mtu_probes[i].error = r.error;
          pending->complete();
        }));
      }
    } else if (!fs.icmp_df) {
      p.mtu_not_run = fs.icmp_df_missing;
    }
  }

  // application: a real connection, started by the first SYN that finds the port open, ending
  // within the same timeout as every other probe of the path (a fast failure tried again)
  std::shared_ptr<LateOperation> app;
  if (p.port && p.app.protocol != model::AppProtocol::none) {
    if (p.app.protocol == model::AppProtocol::tls) net::TlsClient::preload();
    app = std::make_shared<LateOperation>();
    ops.push_back(app);
    pending->add();
    AppCheckSpec spec;
    spec.dst = ip;
    spec.port = *p.port;
    spec.app = p.app;
    spec.host = p.target->was_name ? p.input : std::string();
    spec.deadline = std::chrono::steady_clock::now() + timeout;
    app->launch = [&io, &p, pending, spec](const model::TcpResult& open) mutable {
      spec.syn_rtt_ms = open.rtt_ms;
      return async_app_tries(io, spec, 3, [&p, pending](AppTries t) {
        p.app_result = std::move(t.result);
        p.app_answer = std::move(t.answer);
        p.app_tries = t.tries;
        p.app_answered = t.answered;
        pending->complete();
      });
    };
    app->never = [&p, pending](model::NotRun why) {
      p.app_not_run = std::move(why);
      pending->complete();
    };
  }
  // Each SYN's result passes by here on its way into the series.
  auto tap = [app](std::function<void(model::TcpResult)> reply) {
    return [app, reply = std::move(reply)](model::TcpResult r) {
      if (app && r.state == model::TcpState::open) app->start_once(r);
      reply(std::move(r));
    };
  };

  // transport: a series of SYNs (a raw half-open SYN each), or of connect()s without CAP_NET_RAW
  if (p.port) {
    const auto port = *p.port;
    auto answered = [](const model::TcpResult& r) {
      return r.state == model::TcpState::open || r.state == model::TcpState::closed || r.state == model::TcpState::rejected;
    };
    auto finished = [&p, pending, app](std::vector<model::TcpResult> r) {
      p.syns = std::move(r);
      // No SYN found the port open: nothing to ask.
      if (app) app->give_up({model::Cause::below_failure, {}});
      pending->complete();
    };
    pending->add();
    if (raw_syn) {
      p.tcp_method = model::ProbeMethod::raw;
      const auto src = *p.route->prefsrc;
      net::Channel* icmp = fs.icmp_method == model::ProbeMethod::raw ? fs.icmp : nullptr;
      ops.push_back(start_series<model::TcpResult>(
          io, series_plan(plan, plan.count, std::max(plan.count, PathPlan::kMaxCount - plan.count)),
          [&io, &fs, &fam, &identity, icmp, src, ip, port, sports, tap](int i, std::chrono::milliseconds wait,
                                                                        std::function<void(model::TcpResult)> reply) {
            SynSpec spec;
            spec.src = src;
            spec.dst = ip;
            spec.dport = port;
            spec.sport = sports[static_cast<std::size_t>(i) % sports.size()];
            spec.isn = identity.tcp_isn(spec.src, spec.dst, spec.sport, spec.dport);
            spec.attempt = i + 1;
            spec.timeout = wait;
            return async_tcp_syn(io, *fs.tcp_raw, icmp, fam, spec, tap(std::move(reply)));
          },
          answered, finished, group));
    } else {
      // Each connect() is a whole connection the service sees: fewer of them.
      p.tcp_method = model::ProbeMethod::connect;
      ops.push_back(start_series<model::TcpResult>(
          io, series_plan(plan, std::min(plan.count, 3), std::min(plan.count, 3)),
          [&io, ip, port, tap](int i, std::chrono::milliseconds wait, std::function<void(model::TcpResult)> reply) {
            return async_tcp_connect(io, ConnectSpec{ip, port, i + 1, wait, {}}, tap(std::move(reply)));
          },
          answered, finished, group));
    }
  }
  pending->complete();
  return ops;
}

}  // namespace vpcprobe::probe
