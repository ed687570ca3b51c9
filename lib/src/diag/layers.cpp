// Per-layer checks of one path: each evaluator turns raw results into a check (pass, fail, warn,
// degraded, skipped, not tested) and a typed finding; render/ says what they mean.
#include <algorithm>
#include <cerrno>
#include <cmath>

#include "vpcprobe/diag/neighbor.hpp"
#include "vpcprobe/diag/verdict.hpp"

namespace vpcprobe::diag {

using model::Check;
using model::Finding;
using model::Layer;
using model::LayerResult;
using model::PathResult;

namespace {

LayerResult result(Layer l, Check c, Finding f) { return LayerResult{l, c, f, std::nullopt, std::nullopt}; }

// A check that did not run: not tested or skipped, by its cause.
LayerResult not_run(Layer l, const model::NotRun& why) {
  return LayerResult{l, model::check_for(why.cause), Finding::not_run, why, std::nullopt};
}

bool local_refusal(int err) { return err == EPERM || err == EACCES; }

// Did the target itself answer anything? Then every layer below the answer demonstrably works.
bool target_answered(const PathResult& p) {
  for (const auto& e : p.echoes)
    if (e.outcome == model::EchoOutcome::reply) return true;
  for (const auto& t : p.syns) {
    if (t.state == model::TcpState::open || t.state == model::TcpState::closed) return true;
    if (t.state == model::TcpState::rejected && t.error && p.target && t.error->from == p.target->addr) return true;
  }
  return false;
}

bool arp_answered(const PathResult& p) { return p.arp && !p.arp->replies.empty(); }

// The next probe kinds failed in the same way on a path whose next hop answered ARP.
bool tcp_answered(const PathResult& p) { return model::summarize(p.syns).answered > 0; }

// A series with no answer at all on a path whose other series loses a share `loss` of its probes:
// n silent probes in a row happen by chance loss^n. Likely enough (5 %) and it may be loss, not a
// block.
bool silence_explained_by_loss(const model::SeriesSummary& silent, const model::SeriesSummary& other) {
  if (silent.sent == 0 || other.sent == 0 || other.answered == 0 || other.lost == 0) return false;
  const double loss = static_cast<double>(other.lost) / other.sent;
  return std::pow(loss, silent.sent) >= 0.05;
}

// Is the other path (the public one, seen from the private one) leaving the same way?
bool same_way_out(const PathResult& p, const PathResult* other) {
  if (!other || !other->route || !other->route->usable() || !p.route) return false;
  return other->route->oif == p.route->oif && other->route->gateway == p.route->gateway && p.route->gateway.has_value();
}

LayerResult eval_dns(const PathResult& p, const PathResult* other) {
  if (p.dns_error) return result(Layer::dns, Check::fail, Finding::dns_unresolved);
  if (!p.target) return not_run(Layer::dns, {model::Cause::interrupted, {}});
  const bool non_public = wire::is_non_public(p.target->addr);
  // A "private" path to a public address that leaves by the default route or the public path's
  // way crosses the internet (egress fees, the provider's public firewall); reached through a
  // route of its own, it may be public address space a VPC uses on purpose: a warning only. A
  // "public" path to a private address is not the public path at all.
  if (p.role == model::Path::private_ && !non_public && p.route && p.route->usable()) {
    const bool internet = (p.route_prefix && *p.route_prefix == 0) || same_way_out(p, other);
    return result(Layer::dns, internet ? Check::degraded : Check::warn, Finding::dns_public_address);
  }
  if (p.role == model::Path::public_ && non_public) return result(Layer::dns, Check::warn, Finding::dns_private_address);
  if (!p.target->was_name) return result(Layer::dns, Check::skipped, Finding::dns_numeric);
  return result(Layer::dns, Check::pass, Finding::dns_resolved);
}

LayerResult eval_route(const PathResult& p, const PathResult*) {
  if (!p.target) return result(Layer::route, Check::skipped, Finding::no_address);
  if (p.route_not_run) return not_run(Layer::route, *p.route_not_run);
  if (!p.route) return not_run(Layer::route, {model::Cause::interrupted, {}});
  switch (p.route->type) {
    case model::RouteType::unicast:
      if (!p.down_links_for_target.empty()) return result(Layer::route, Check::warn, Finding::route_detour);
      // A private address the kernel sends from a public source address leaves by the public side,
      // not through the VPC: by the default route, or by a route that shares the public path's way.
      // (On a one-interface VM everything, the VPC included, goes by the default route from a
      // private address: that is fine.)
      if (p.role == model::Path::private_ && wire::is_non_public(p.target->addr) && p.route->prefsrc &&
          !wire::is_non_public(*p.route->prefsrc)) {
        if (p.route_prefix && *p.route_prefix == 0) return result(Layer::route, Check::degraded, Finding::route_via_default);
        return result(Layer::route, Check::degraded, Finding::route_public_side);
      }
      return result(Layer::route, Check::pass, Finding::route_ok);
    case model::RouteType::local: return result(Layer::route, Check::pass, Finding::route_local);
    case model::RouteType::no_route:
      if (!p.down_links_for_target.empty()) return result(Layer::route, Check::warn, Finding::route_none_link_down);
      return result(Layer::route, Check::fail, Finding::route_none);
    default: return result(Layer::route, Check::fail, Finding::route_drops);
  }
}

LayerResult eval_link(const PathResult& p, const PathResult*) {
  if (!p.down_links_for_target.empty()) return result(Layer::link, Check::fail, Finding::link_subnet_down);
  if (p.link_not_run) return not_run(Layer::link, *p.link_not_run);
  if (!p.link) return result(Layer::link, Check::skipped, Finding::link_none);
  const auto& l = *p.link;
  // Another interface is down: it may be the one this path should take (its route vanished with it).
  if (l.admin_up() && l.lower_up() && !p.other_down_links.empty() && p.route && p.route->gateway)
    return result(Layer::link, Check::warn, Finding::link_other_down);
  if (!l.admin_up()) return result(Layer::link, Check::fail, Finding::link_admin_down);
  if (!l.lower_up() || (l.carrier && *l.carrier == 0)) return result(Layer::link, Check::fail, Finding::link_no_carrier);
  return result(Layer::link, Check::pass, Finding::link_up);
}

LayerResult eval_neighbor(const PathResult& p, const PathResult*) {
  if (!p.next_hop) {
    if (p.arp_not_run) return not_run(Layer::neighbor, *p.arp_not_run);
    return result(Layer::neighbor, Check::skipped, Finding::neigh_no_next_hop);
  }
  // ARP cut short before anybody answered said nothing about the neighbor.
  const bool arp_said_nothing = p.arp && p.arp->interrupted && p.arp->replies.empty();
  if (!p.arp || arp_said_nothing) {
    if (p.neigh_before && (p.neigh_before->state & (model::nud::failed | model::nud::incomplete)))
      return result(Layer::neighbor, Check::fail, Finding::neigh_unresolved_entry);
    if (target_answered(p)) return result(Layer::neighbor, Check::pass, Finding::neigh_proven_by_answer);
    if (arp_said_nothing) return not_run(Layer::neighbor, {model::Cause::interrupted, {}});
    return not_run(Layer::neighbor, p.arp_not_run.value_or(model::NotRun{model::Cause::not_applicable, {}}));
  }
  // The same judgement `vpcprobe arp` makes, for the next hop (the target, or the gateway).
  model::ArpReport ar;
  ar.target = *p.next_hop;
  ar.interface = p.link ? p.link->name : "";
  ar.before = p.neigh_before;
  ar.after = p.neigh_after;
  ar.probe = *p.arp;
  auto with_arp = [&](Check c, Finding f) {
    auto r = result(Layer::neighbor, c, f);
    r.arp = arp_verdict(ar);
    return r;
  };
  switch (neigh_finding(p.neigh_before, *p.arp)) {
    case model::NeighFinding::consistent: return with_arp(Check::pass, Finding::neigh_consistent);
    case model::NeighFinding::stale: return with_arp(Check::fail, Finding::neigh_stale);
    case model::NeighFinding::conflict: return with_arp(Check::fail, Finding::neigh_conflict);
    case model::NeighFinding::silent:
      if (target_answered(p)) return with_arp(Check::warn, Finding::neigh_silent_target_answered);
      return with_arp(Check::fail, Finding::neigh_silent);
  }
  return not_run(Layer::neighbor, {model::Cause::interrupted, {}});
}

LayerResult eval_network(const PathResult& p, const PathResult*) {
  if (p.echoes.empty()) {
    if (!p.echo_not_run) return result(Layer::network, Check::skipped, Finding::not_run);
    if (target_answered(p)) return result(Layer::network, Check::pass, Finding::echo_proven_by_tcp);
    return not_run(Layer::network, *p.echo_not_run);
  }
  const auto s = model::summarize(p.echoes);
  if (s.answered == 0 && std::any_of(p.echoes.begin(), p.echoes.end(), [](const model::EchoResult& e) {
        return e.outcome == model::EchoOutcome::send_error && e.send_error && local_refusal(e.send_error->err);
      }))
    // refused here: a local rule; a fault of the path only when nothing else gets through either
    return result(Layer::network, target_answered(p) ? Check::warn : Check::fail, Finding::echo_local_drop);
  if (s.sent == 0) {
    const bool interrupted = std::all_of(p.echoes.begin(), p.echoes.end(),
                                         [](const model::EchoResult& e) { return e.outcome == model::EchoOutcome::interrupted; });
    if (interrupted) return not_run(Layer::network, {model::Cause::interrupted, {}});
    return result(Layer::network, Check::fail, Finding::echo_send_failed);
  }
  // Loss shows in the DF echoes too: lost at a size no larger than one that passed. With every
  // plain echo answered, one such loss could be a burst limit on ICMP: two or more are loss.
  if (s.answered == s.sent) {
    const bool df_loss = model::df_loss_below(p.mtu_probes).lost >= 2;
    return result(Layer::network, df_loss ? Check::degraded : Check::pass, df_loss ? Finding::echo_loss : Finding::echo_reply);
  }
  if (s.answered > 0) return result(Layer::network, Check::degraded, Finding::echo_loss);
  if (s.errors > 0) return result(Layer::network, Check::fail, Finding::echo_icmp_error);
  // Nothing came back to vpcprobe.
  if (p.witness && p.witness->echo_in > 0)
    return result(Layer::network, target_answered(p) ? Check::warn : Check::fail, Finding::echo_dropped_here);
  if (target_answered(p)) {
    if (silence_explained_by_loss(s, model::summarize(p.syns))) return result(Layer::network, Check::degraded, Finding::echo_lost_in_loss);
    return result(Layer::network, Check::warn, Finding::echo_blocked);
  }
  if (arp_answered(p) && p.route && !p.route->gateway && !tcp_answered(p))
    return result(Layer::network, Check::fail, Finding::echo_silent_arp_ok);
  return result(Layer::network, Check::fail, Finding::echo_silent);
}

LayerResult eval_transport(const PathResult& p, const PathResult*) {
  if (!p.port) return result(Layer::transport, Check::skipped, Finding::tcp_no_port);
  if (p.syns.empty()) {
    if (!p.tcp_not_run) return result(Layer::transport, Check::skipped, Finding::not_run);
    return not_run(Layer::transport, *p.tcp_not_run);
  }
  const auto s = model::summarize(p.syns);
  int open = 0, closed = 0, rejected = 0;
  bool refused_here = false, interrupted_only = true;
  for (const auto& t : p.syns) {
    open += t.state == model::TcpState::open;
    closed += t.state == model::TcpState::closed;
    rejected += t.state == model::TcpState::rejected;
    refused_here |= t.state == model::TcpState::error && t.signal == model::TcpSignal::send_failed && local_refusal(t.err);
    interrupted_only &= t.state == model::TcpState::interrupted;
  }
  if (s.answered == 0 && refused_here) return result(Layer::transport, Check::fail, Finding::tcp_local_drop);
  if (s.sent == 0) {
    if (interrupted_only) return not_run(Layer::transport, {model::Cause::interrupted, {}});
    return result(Layer::transport, Check::fail, Finding::tcp_send_failed);
  }
  if (open == s.sent) return result(Layer::transport, Check::pass, Finding::tcp_open);
  if (open > 0) return result(Layer::transport, Check::degraded, Finding::tcp_loss);
  if (closed > 0) return result(Layer::transport, Check::fail, Finding::tcp_closed);
  if (rejected > 0) return result(Layer::transport, Check::fail, Finding::tcp_rejected);
  if (p.witness && p.witness->tcp_in > 0) return result(Layer::transport, Check::fail, Finding::tcp_dropped_here);
  if (silence_explained_by_loss(s, model::summarize(p.echoes))) return result(Layer::transport, Check::degraded, Finding::tcp_lost_in_loss);
  return result(Layer::transport, Check::fail, Finding::tcp_filtered);
}

// Sizes above a threshold vanish and those below pass: a black hole, unless loss could explain it:
// with the plain echoes losing a share `loss`, k silent sizes in a row happen by chance loss^k.
LayerResult eval_mtu(const PathResult& p, const PathResult*) {
  if (p.mtu_probes.empty()) {
    if (p.mtu_not_run) return not_run(Layer::mtu, *p.mtu_not_run);
    return result(Layer::mtu, Check::skipped, Finding::not_run);
  }
  const auto echoes = model::summarize(p.echoes);
  if (echoes.answered == 0) return result(Layer::mtu, Check::skipped, Finding::mtu_needs_echo);
  // A size cut short neither passed nor vanished: the question stays open.
  if (std::any_of(p.mtu_probes.begin(), p.mtu_probes.end(), [](const model::MtuProbe& m) { return m.interrupted; }))
    return not_run(Layer::mtu, {model::Cause::interrupted, {}});
  std::uint32_t largest_ok = 0, biggest = 0, smallest_silent = 0;
  int silent_above = 0;
  for (const auto& m : p.mtu_probes) {
    biggest = std::max(biggest, m.size);
    if (m.answered) largest_ok = std::max(largest_ok, m.size);
  }
  bool silent_below = false;
  for (const auto& m : p.mtu_probes) {
    if (m.answered || (m.error && m.error->mtu)) continue;  // frag-needed is an answer of its own
    if (smallest_silent == 0 || m.size < smallest_silent) smallest_silent = m.size;  // lost without a word
    if (m.size > largest_ok) ++silent_above;
    else silent_below = true;
  }
  if (largest_ok == biggest) return result(Layer::mtu, Check::pass, Finding::mtu_all_pass);
  // every size that did not pass was answered by "fragmentation needed"
  if (smallest_silent == 0) return result(Layer::mtu, Check::pass, Finding::mtu_pmtud_works);
  // The loss the path shows elsewhere: the plain echoes', or the SYNs' when the echoes were lucky,
  // estimated on the high side ((lost + 1) / (sent + 1)): a small sample must not make chance look
  // like a size limit. With no loss at all, silent sizes above those that pass are a black hole;
  // with loss, a likely one (a warning) when that many in a row would happen by chance less than
  // 1 % of the time.
  const auto syns = model::summarize(p.syns);
  auto high_side = [](const model::SeriesSummary& x) { return x.lost ? (x.lost + 1.0) / (x.sent + 1.0) : 0.0; };
  const double loss = std::max(high_side(echoes), high_side(syns));
  if (!silent_below) {
    if (loss == 0) return result(Layer::mtu, Check::fail, Finding::mtu_black_hole);
    // Under loss it stays a warning even when chance is unlikely: the verdict names the loss, which
    // is certain, and the evidence the black hole, which is not.
    if (std::pow(loss, silent_above) < 0.01) return result(Layer::mtu, Check::warn, Finding::mtu_black_hole);
    return result(Layer::mtu, Check::warn, Finding::mtu_loss);
  }
  return result(Layer::mtu, Check::warn, loss > 0 ? Finding::mtu_loss : Finding::mtu_irregular);
}

// The service's own answer. It was asked only once a SYN found the port open; silence (or a
// connection that does not come up) on a path that loses probes may be that loss: a warning then.
LayerResult eval_application(const PathResult& p, const PathResult* other) {
  if (!p.port || p.app.protocol == model::AppProtocol::none) return result(Layer::application, Check::skipped, Finding::app_not_asked);
  if (!p.app_result) {
    if (p.app_not_run) return not_run(Layer::application, *p.app_not_run);
    // No SYN went out (a route that drops, no address): nothing to ask; a cut run is said above.
    if (p.syns.empty()) return not_run(Layer::application, {model::Cause::below_failure, {}});
    return not_run(Layer::application, {model::Cause::interrupted, {}});
  }
  const auto& a = *p.app_result;
  // Loss anywhere on the path (SYNs or echoes) may explain silence or a connection that did not come up.
  const bool lossy = eval_transport(p, other).check == Check::degraded || eval_network(p, other).check == Check::degraded;
  // A failure next to an answer: intermittent, the path works but not as it should.
  if (a.outcome != model::AppOutcome::answered && p.app_answer)
    return result(Layer::application, Check::degraded, Finding::app_intermittent);
  auto fail_or_loss = [&](Finding f) { return result(Layer::application, lossy ? Check::warn : Check::fail, f); };
  switch (a.outcome) {
    case model::AppOutcome::answered:
      if (a.tls && !a.tls->verified)
        return result(Layer::application, p.app.verify_cert ? Check::fail : Check::warn, Finding::app_cert_unverified);
      if (a.error_reply) return result(Layer::application, Check::warn, Finding::app_error_reply);
      return result(Layer::application, Check::pass, Finding::app_answered);
    case model::AppOutcome::interrupted:
      return not_run(Layer::application, {model::Cause::interrupted, a.out_of_time ? "out of time" : std::string()});
    case model::AppOutcome::unavailable: return not_run(Layer::application, {model::Cause::no_socket, a.tls_error});
    case model::AppOutcome::silent:
      // The request was never acknowledged: not the service's silence, the path's.
      if (a.request_acked == false) return fail_or_loss(Finding::app_request_lost);
      return fail_or_loss(Finding::app_silent);
    case model::AppOutcome::incomplete: return fail_or_loss(Finding::app_incomplete);
    case model::AppOutcome::connect_failed: return fail_or_loss(Finding::app_connect_failed);
    case model::AppOutcome::reset: return result(Layer::application, Check::fail, Finding::app_reset);
    case model::AppOutcome::closed: return result(Layer::application, Check::fail, Finding::app_closed);
    case model::AppOutcome::other_protocol: return result(Layer::application, Check::fail, Finding::app_other_protocol);
    case model::AppOutcome::handshake_failed: return result(Layer::application, Check::fail, Finding::app_handshake_failed);
  }
  return not_run(Layer::application, {model::Cause::interrupted, {}});
}

using Evaluator = LayerResult (*)(const PathResult&, const PathResult*);
constexpr Evaluator kEvaluators[] = {eval_dns,       eval_route,     eval_link, eval_neighbor,
                                     eval_network,   eval_transport, eval_mtu,  eval_application};

}  // namespace

std::vector<LayerResult> evaluate_path(const PathResult& p, const PathResult* other) {
  std::vector<LayerResult> out;
  for (auto eval : kEvaluators) out.push_back(eval(p, other));
  // Nothing above a failed DNS lookup could run: say so instead of leaving odd cells.
  if (out[0].check == Check::fail)
    for (std::size_t i = 1; i < out.size(); ++i) out[i] = result(out[i].layer, Check::skipped, Finding::no_address);
  return out;
}

}  // namespace vpcprobe::diag
