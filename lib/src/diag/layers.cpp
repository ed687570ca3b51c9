// Per-layer checks of one path: each evaluator turns raw results into pass/fail/warn/skipped/
// not_tested with a few words for the table and sentences of evidence.
#include <fmt/format.h>

#include <algorithm>

#include "vpcprobe/diag/arp_verdict.hpp"
#include "vpcprobe/diag/verdict.hpp"
#include "vpcprobe/render/probes.hpp"

namespace vpcprobe::diag {

using model::Check;
using model::Layer;
using model::LayerResult;
using model::PathResult;

namespace {

LayerResult result(Layer l, Check c, std::string summary, std::vector<std::string> evidence = {}) {
  return LayerResult{l, c, std::move(summary), std::move(evidence)};
}

std::string ip_of(const PathResult& p) { return p.target ? p.target->addr.to_string() : p.input; }

// Did the target itself answer anything? Then every layer below the answer demonstrably works.
bool target_answered(const PathResult& p) {
  if (p.echo && p.echo->outcome == model::EchoOutcome::reply) return true;
  if (p.tcp && (p.tcp->state == model::TcpState::open || p.tcp->state == model::TcpState::closed)) return true;
  if (p.tcp && p.tcp->state == model::TcpState::rejected && p.tcp->error && p.target &&
      p.tcp->error->from == p.target->addr)
    return true;
  return false;
}

std::string entry_words(const model::NeighEntry& e) {
  std::string s = (e.mac ? e.mac->to_string() : std::string("no MAC")) + " " + model::neigh_state_name(e.state);
  for (auto& f : model::neigh_flag_names(e)) s += " " + f;
  return s;
}

LayerResult eval_dns(const PathResult& p) {
  if (p.dns_error) return result(Layer::dns, Check::fail, "does not resolve", {*p.dns_error});
  if (!p.target) return result(Layer::dns, Check::not_tested, "not resolved");
  if (!p.target->was_name) return result(Layer::dns, Check::skipped, "numeric address");
  return result(Layer::dns, Check::pass, fmt::format("{} in {:.1f} ms", p.target->addr.to_string(), p.target->resolve_ms),
                {fmt::format("{} resolves to {}.", p.input, p.target->addr.to_string())});
}

LayerResult eval_route(const PathResult& p) {
  if (!p.target) return result(Layer::route, Check::skipped, "no address");
  if (p.route_error) return result(Layer::route, Check::not_tested, "lookup failed", {*p.route_error});
  if (!p.route) return result(Layer::route, Check::not_tested, "not looked up");
  const auto& r = *p.route;
  std::string ip = ip_of(p);
  std::string dev = p.link ? p.link->name : fmt::format("if{}", r.oif);
  switch (r.type) {
    case model::RouteType::unicast: {
      std::string how = r.gateway ? fmt::format("via {} dev {}", r.gateway->to_string(), dev) : fmt::format("on-link dev {}", dev);
      if (!p.down_links_for_target.empty()) {
        const auto& [link, addr] = p.down_links_for_target.front();
        return result(Layer::route, Check::warn, how + " (detour)",
                      {fmt::format("The kernel routes {} {} because {} is down.", ip, how, link.name)});
      }
      return result(Layer::route, Check::pass, how,
                    {fmt::format("The kernel routes {} {}{}.", ip, how,
                                 r.prefsrc ? fmt::format(" from {}", r.prefsrc->to_string()) : "")});
    }
    case model::RouteType::local: return result(Layer::route, Check::pass, "local address");
    case model::RouteType::no_route:
      if (!p.down_links_for_target.empty())
        return result(Layer::route, Check::warn, "no route (link down)", {fmt::format("There is no route to {}.", ip)});
      return result(Layer::route, Check::fail, "no route", {fmt::format("The kernel has no route to {} (ENETUNREACH).", ip)});
    default:
      return result(Layer::route, Check::fail, model::route_type_name(r.type) + " route",
                    {fmt::format("The kernel's route to {} is a {} route: it drops the traffic itself.", ip,
                                 model::route_type_name(r.type))});
  }
}

LayerResult eval_link(const PathResult& p) {
  if (!p.down_links_for_target.empty()) {
    const auto& [link, addr] = p.down_links_for_target.front();
    std::string state = !link.admin_up() ? "administratively down" : "without carrier";
    return result(Layer::link, Check::fail, fmt::format("{} {}", link.name, !link.admin_up() ? "DOWN" : "NO-CARRIER"),
                  {fmt::format("Interface {} holds {}/{}, the subnet of {}, and is {} (operstate {}).", link.name,
                               addr.addr.to_string(), addr.prefix_len, ip_of(p), state, model::operstate_name(link.operstate))});
  }
  if (!p.link) return result(Layer::link, Check::skipped, "no interface");
  const auto& l = *p.link;
  // Another interface is down: it may be the one this path should take (its route vanished with it).
  if (l.admin_up() && l.lower_up() && !p.other_down_links.empty() && p.route && p.route->gateway) {
    const auto& [down, addr] = p.other_down_links.front();
    return result(Layer::link, Check::warn, fmt::format("{} up; {} DOWN", l.name, down.name),
                  {fmt::format("Interface {} ({}/{}) is {}; if {} should be reached through it, its routes went away with it "
                               "and the kernel now uses {} via {}.", down.name, addr.addr.to_string(), addr.prefix_len,
                               down.admin_up() ? "without carrier" : "administratively down", ip_of(p), l.name,
                               p.route->gateway->to_string())});
  }
  if (!l.admin_up())
    return result(Layer::link, Check::fail, l.name + " DOWN", {fmt::format("Interface {} is administratively down.", l.name)});
  if (!l.lower_up() || (l.carrier && *l.carrier == 0))
    return result(Layer::link, Check::fail, l.name + " NO-CARRIER",
                  {fmt::format("Interface {} has no carrier (operstate {}).", l.name, model::operstate_name(l.operstate))});
  return result(Layer::link, Check::pass, fmt::format("{} up, mtu {}", l.name, l.mtu));
}

LayerResult eval_neighbor(const PathResult& p) {
  if (!p.next_hop) return result(Layer::neighbor, Check::skipped, p.arp_not_run.value_or("no next hop"));
  std::string hop = p.next_hop->to_string();
  bool is_gateway = p.route && p.route->gateway;
  std::string who = is_gateway ? fmt::format("gateway {}", hop) : hop;
  if (!p.arp) {
    if (p.neigh_before && (p.neigh_before->state & (model::nud::failed | model::nud::incomplete)))
      return result(Layer::neighbor, Check::fail, fmt::format("{} {}", hop, model::neigh_state_name(p.neigh_before->state)),
                    {fmt::format("The kernel could not resolve {}: its entry is {}.", who, entry_words(*p.neigh_before))});
    if (target_answered(p))
      return result(Layer::neighbor, Check::pass, fmt::format("{} (not ARP-probed)", hop),
                    {fmt::format("The target answered, so {} forwards traffic.", who)});
    if (!p.arp_not_run) return result(Layer::neighbor, Check::skipped, "not applicable");
    std::string entry = p.neigh_before ? "the kernel entry is " + entry_words(*p.neigh_before) : "the kernel has no entry for it";
    return result(Layer::neighbor, p.arp_not_run->find("CAP_NET_RAW") != std::string::npos ? Check::not_tested : Check::skipped,
                  "not ARP-probed", {fmt::format("ARP to {} was not sent ({}); {}.", who, *p.arp_not_run, entry)});
  }
  model::ArpReport ar;
  ar.target = *p.next_hop;
  ar.interface = p.link ? p.link->name : "";
  ar.before = p.neigh_before;
  ar.after = p.neigh_after;
  ar.probe = *p.arp;
  if (is_gateway) ar.route_gateway.reset();
  auto v = arp_verdict(ar);
  std::vector<std::string> evidence;
  for (auto& d : v.details) evidence.push_back(is_gateway ? "Gateway: " + d : d);
  switch (v.finding) {
    case model::ArpFinding::consistent: {
      auto macs = p.arp->answering_macs();
      return result(Layer::neighbor, Check::pass, fmt::format("{} at {}", hop, macs.front().to_string()), evidence);
    }
    case model::ArpFinding::stale_entry:
      return result(Layer::neighbor, Check::fail, "STALE entry", evidence);
    case model::ArpFinding::conflict:
      return result(Layer::neighbor, Check::fail, "IP conflict", evidence);
    case model::ArpFinding::silent:
      if (target_answered(p))
        return result(Layer::neighbor, Check::warn, "no ARP reply", {fmt::format("{} did not answer ARP, yet the target answered.", who)});
      return result(Layer::neighbor, Check::fail, "no ARP reply", evidence);
  }
  return result(Layer::neighbor, Check::not_tested, "unknown");
}

LayerResult eval_network(const PathResult& p) {
  if (!p.echo) {
    if (!p.echo_not_run) return result(Layer::network, Check::skipped, "not applicable");
    if (target_answered(p))
      return result(Layer::network, Check::pass, "not probed (target answered TCP)",
                    {fmt::format("ICMP echo was not sent ({}), but the target answered TCP.", *p.echo_not_run)});
    return result(Layer::network, Check::not_tested, "not probed", {fmt::format("ICMP echo was not sent: {}.", *p.echo_not_run)});
  }
  const auto& e = *p.echo;
  std::string ip = ip_of(p);
  switch (e.outcome) {
    case model::EchoOutcome::reply:
      return result(Layer::network, Check::pass, fmt::format("echo {:.2f} ms", e.rtt_ms));
    case model::EchoOutcome::icmp_error:
      return result(Layer::network, Check::fail, fmt::format("{} from {}", e.error->meaning, e.error->from.to_string()),
                    {fmt::format("{} answered the echo to {} with {}.", e.error->from.to_string(), ip, render::icmp_error_text(*e.error))});
    case model::EchoOutcome::timeout:
      if (target_answered(p))
        return result(Layer::network, Check::warn, "echo blocked",
                      {fmt::format("{} does not answer ICMP echo, but it answers TCP: ICMP is filtered, which is not a fault.", ip)});
      return result(Layer::network, Check::fail, "no echo reply", {fmt::format("{} did not answer ICMP echo.", ip)});
    case model::EchoOutcome::send_error:
      return result(Layer::network, Check::fail, "not sent", {fmt::format("The echo to {} could not be sent: {}.", ip, e.send_error)});
    case model::EchoOutcome::interrupted: return result(Layer::network, Check::not_tested, "interrupted");
  }
  return result(Layer::network, Check::not_tested, "unknown");
}

LayerResult eval_transport(const PathResult& p) {
  if (!p.port) return result(Layer::transport, Check::skipped, "no port given");
  if (!p.tcp) {
    if (!p.tcp_not_run) return result(Layer::transport, Check::skipped, "not applicable");
    return result(Layer::transport, Check::not_tested, "not probed", {*p.tcp_not_run});
  }
  const auto& t = *p.tcp;
  std::string where = fmt::format("{}:{}", ip_of(p), *p.port);
  switch (t.state) {
    case model::TcpState::open: return result(Layer::transport, Check::pass, fmt::format("{} open {:.2f} ms", *p.port, t.rtt_ms));
    case model::TcpState::closed:
      return result(Layer::transport, Check::fail, fmt::format("{} closed (RST)", *p.port),
                    {fmt::format("{} answered the SYN with RST: the host is up but nothing accepts on port {}.", where, *p.port)});
    case model::TcpState::rejected: {
      std::string from = t.error ? t.error->from.to_string() : std::string("the path");
      return result(Layer::transport, Check::fail, fmt::format("{} rejected", *p.port),
                    {fmt::format("{} rejected the SYN to {}: {}.", from, where, t.error ? render::icmp_error_text(*t.error) : t.detail)});
    }
    case model::TcpState::filtered:
      return result(Layer::transport, Check::fail, fmt::format("{} no answer", *p.port),
                    {fmt::format("Nothing answered the SYN to {}: it was dropped on the way or at the host.", where)});
    case model::TcpState::error:
      return result(Layer::transport, Check::fail, "not sent", {fmt::format("The SYN to {} failed: {}.", where, t.detail)});
    case model::TcpState::interrupted: return result(Layer::transport, Check::not_tested, "interrupted");
  }
  return result(Layer::transport, Check::not_tested, "unknown");
}

LayerResult eval_mtu(const PathResult& p) {
  if (p.mtu_probes.empty()) {
    if (p.mtu_not_run && (p.mtu_not_run->find("CAP_NET_RAW") != std::string::npos || *p.mtu_not_run == "interrupted"))
      return result(Layer::mtu, Check::not_tested, "not probed", {fmt::format("DF echo requests were not sent: {}.", *p.mtu_not_run)});
    return result(Layer::mtu, Check::skipped, p.mtu_not_run.value_or("not probed"));
  }
  if (!p.echo || p.echo->outcome != model::EchoOutcome::reply)
    return result(Layer::mtu, Check::skipped, "needs echo replies");
  std::uint32_t largest_ok = 0, biggest = 0, smallest_silent = 0;
  std::optional<model::IcmpErrorInfo> frag_needed;
  for (const auto& m : p.mtu_probes) {
    biggest = std::max(biggest, m.size);
    if (m.answered) {
      largest_ok = std::max(largest_ok, m.size);
    } else if (m.error && m.error->mtu) {
      if (!frag_needed || m.error->mtu < frag_needed->mtu) frag_needed = m.error;
    } else if (smallest_silent == 0 || m.size < smallest_silent) {
      smallest_silent = m.size;  // lost without a word: the black-hole signature
    }
  }
  if (largest_ok == biggest) return result(Layer::mtu, Check::pass, fmt::format("{} bytes pass", biggest));
  if (smallest_silent == 0)  // every size that did not pass was answered by "fragmentation needed"
    return result(Layer::mtu, Check::pass, fmt::format("path MTU {}", frag_needed->mtu),
                  {fmt::format("{} reports a next-hop MTU of {} (fragmentation needed): path-MTU discovery works.",
                               frag_needed->from.to_string(), frag_needed->mtu)});
  if (smallest_silent > largest_ok) {
    std::string passes = largest_ok ? fmt::format("Echo requests of {} bytes with DF set pass, ", largest_ok)
                                    : std::string("No DF echo request of the sizes tried passes; ");
    return result(Layer::mtu, Check::fail, largest_ok ? fmt::format("black hole above {}", largest_ok) : "black hole",
                  {passes + fmt::format("{} bytes and more vanish without a 'fragmentation needed' error: a path-MTU "
                                        "black hole.", smallest_silent)});
  }
  return result(Layer::mtu, Check::warn, fmt::format("largest {} bytes", largest_ok),
                {"Some large DF echo requests went unanswered, not in size order (loss?)."});
}

using Evaluator = LayerResult (*)(const PathResult&);
constexpr Evaluator kEvaluators[] = {eval_dns, eval_route, eval_link, eval_neighbor, eval_network, eval_transport, eval_mtu};

}  // namespace

std::vector<LayerResult> evaluate_path(const PathResult& p) {
  std::vector<LayerResult> out;
  for (auto eval : kEvaluators) out.push_back(eval(p));
  // Nothing above a failed DNS lookup could run: say so instead of leaving odd cells.
  if (out[0].check == Check::fail)
    for (std::size_t i = 1; i < out.size(); ++i) out[i] = result(out[i].layer, Check::skipped, "no address");
  return out;
}

}  // namespace vpcprobe::diag
