// Per-layer checks of one path: each evaluator turns raw results into a check (pass, fail, warn,
// skipped, not tested) and a typed finding; render/ says what they mean.
#include <algorithm>

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

// Did the target itself answer anything? Then every layer below the answer demonstrably works.
bool target_answered(const PathResult& p) {
  if (p.echo && p.echo->outcome == model::EchoOutcome::reply) return true;
  if (p.tcp && (p.tcp->state == model::TcpState::open || p.tcp->state == model::TcpState::closed)) return true;
  if (p.tcp && p.tcp->state == model::TcpState::rejected && p.tcp->error && p.target && p.tcp->error->from == p.target->addr)
    return true;
  return false;
}

LayerResult eval_dns(const PathResult& p) {
  if (p.dns_error) return result(Layer::dns, Check::fail, Finding::dns_unresolved);
  if (!p.target) return not_run(Layer::dns, {model::Cause::interrupted, {}});
  if (!p.target->was_name) return result(Layer::dns, Check::skipped, Finding::dns_numeric);
  return result(Layer::dns, Check::pass, Finding::dns_resolved);
}

LayerResult eval_route(const PathResult& p) {
  if (!p.target) return result(Layer::route, Check::skipped, Finding::no_address);
  if (p.route_not_run) return not_run(Layer::route, *p.route_not_run);
  if (!p.route) return not_run(Layer::route, {model::Cause::interrupted, {}});
  switch (p.route->type) {
    case model::RouteType::unicast:
      if (!p.down_links_for_target.empty()) return result(Layer::route, Check::warn, Finding::route_detour);
      return result(Layer::route, Check::pass, Finding::route_ok);
    case model::RouteType::local: return result(Layer::route, Check::pass, Finding::route_local);
    case model::RouteType::no_route:
      if (!p.down_links_for_target.empty()) return result(Layer::route, Check::warn, Finding::route_none_link_down);
      return result(Layer::route, Check::fail, Finding::route_none);
    default: return result(Layer::route, Check::fail, Finding::route_drops);
  }
}

LayerResult eval_link(const PathResult& p) {
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

LayerResult eval_neighbor(const PathResult& p) {
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

LayerResult eval_network(const PathResult& p) {
  if (!p.echo) {
    if (!p.echo_not_run) return result(Layer::network, Check::skipped, Finding::not_run);
    if (target_answered(p)) return result(Layer::network, Check::pass, Finding::echo_proven_by_tcp);
    return not_run(Layer::network, *p.echo_not_run);
  }
  switch (p.echo->outcome) {
    case model::EchoOutcome::reply: return result(Layer::network, Check::pass, Finding::echo_reply);
    case model::EchoOutcome::icmp_error: return result(Layer::network, Check::fail, Finding::echo_icmp_error);
    case model::EchoOutcome::timeout:
      if (target_answered(p)) return result(Layer::network, Check::warn, Finding::echo_blocked);
      return result(Layer::network, Check::fail, Finding::echo_silent);
    case model::EchoOutcome::send_error: return result(Layer::network, Check::fail, Finding::echo_send_failed);
    case model::EchoOutcome::interrupted: return not_run(Layer::network, {model::Cause::interrupted, {}});
  }
  return not_run(Layer::network, {model::Cause::interrupted, {}});
}

LayerResult eval_transport(const PathResult& p) {
  if (!p.port) return result(Layer::transport, Check::skipped, Finding::tcp_no_port);
  if (!p.tcp) {
    if (!p.tcp_not_run) return result(Layer::transport, Check::skipped, Finding::not_run);
    return not_run(Layer::transport, *p.tcp_not_run);
  }
  switch (p.tcp->state) {
    case model::TcpState::open: return result(Layer::transport, Check::pass, Finding::tcp_open);
    case model::TcpState::closed: return result(Layer::transport, Check::fail, Finding::tcp_closed);
    case model::TcpState::rejected: return result(Layer::transport, Check::fail, Finding::tcp_rejected);
    case model::TcpState::filtered: return result(Layer::transport, Check::fail, Finding::tcp_filtered);
    case model::TcpState::error: return result(Layer::transport, Check::fail, Finding::tcp_send_failed);
    case model::TcpState::interrupted: return not_run(Layer::transport, {model::Cause::interrupted, {}});
  }
  return not_run(Layer::transport, {model::Cause::interrupted, {}});
}

LayerResult eval_mtu(const PathResult& p) {
  if (p.mtu_probes.empty()) {
    if (p.mtu_not_run) return not_run(Layer::mtu, *p.mtu_not_run);
    return result(Layer::mtu, Check::skipped, Finding::not_run);
  }
  if (!p.echo || p.echo->outcome != model::EchoOutcome::reply) return result(Layer::mtu, Check::skipped, Finding::mtu_needs_echo);
  // A size cut short neither passed nor vanished: the question stays open.
  if (std::any_of(p.mtu_probes.begin(), p.mtu_probes.end(), [](const model::MtuProbe& m) { return m.interrupted; }))
    return not_run(Layer::mtu, {model::Cause::interrupted, {}});
  std::uint32_t largest_ok = 0, biggest = 0, smallest_silent = 0;
  for (const auto& m : p.mtu_probes) {
    biggest = std::max(biggest, m.size);
    if (m.answered) largest_ok = std::max(largest_ok, m.size);
    else if (!(m.error && m.error->mtu) && (smallest_silent == 0 || m.size < smallest_silent))
      smallest_silent = m.size;  // lost without a word: the black-hole signature
  }
  if (largest_ok == biggest) return result(Layer::mtu, Check::pass, Finding::mtu_all_pass);
  // every size that did not pass was answered by "fragmentation needed"
  if (smallest_silent == 0) return result(Layer::mtu, Check::pass, Finding::mtu_pmtud_works);
  if (smallest_silent > largest_ok) return result(Layer::mtu, Check::fail, Finding::mtu_black_hole);
  return result(Layer::mtu, Check::warn, Finding::mtu_irregular);
}

using Evaluator = LayerResult (*)(const PathResult&);
constexpr Evaluator kEvaluators[] = {eval_dns, eval_route, eval_link, eval_neighbor, eval_network, eval_transport, eval_mtu};

}  // namespace

std::vector<LayerResult> evaluate_path(const PathResult& p) {
  std::vector<LayerResult> out;
  for (auto eval : kEvaluators) out.push_back(eval(p));
  // Nothing above a failed DNS lookup could run: say so instead of leaving odd cells.
  if (out[0].check == Check::fail)
    for (std::size_t i = 1; i < out.size(); ++i) out[i] = result(out[i].layer, Check::skipped, Finding::no_address);
  return out;
}

}  // namespace vpcprobe::diag
