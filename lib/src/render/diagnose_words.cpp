#include "vpcprobe/render/diagnose.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arp_words.hpp"
#include "vpcprobe/render/words.hpp"

namespace vpcprobe::render {

using model::Check;
using model::Finding;
using model::Layer;
using model::PathResult;

namespace {

std::string ip_of(const PathResult& p) { return p.target ? p.target->addr.to_string() : p.input; }
std::string dev_of(const PathResult& p) { return p.link ? p.link->name : std::string("DEV"); }
std::string role(const PathResult& p) { return model::path_name(p.role); }

LayerWords words(std::string summary, std::vector<std::string> evidence = {}) { return {std::move(summary), std::move(evidence)}; }

// dns ----------------------------------------------------------------------------------------------
LayerWords dns_words(const PathResult& p, const model::LayerResult& l) {
  switch (l.finding) {
    case Finding::dns_unresolved: {
      const auto& e = *p.dns_error;
      if (e.kind == model::DnsFailure::Kind::timeout)
        return words("does not resolve", {fmt::format("'{}' did not resolve in time (the resolver did not answer)", p.input)});
      return words("does not resolve", {fmt::format("'{}' does not resolve to an IPv4 address: {}", p.input, e.detail)});
    }
    case Finding::dns_numeric: return words("numeric address");
    case Finding::dns_resolved:
      return words(fmt::format("{} in {:.1f} ms", p.target->addr.to_string(), p.target->resolve_ms),
                   {fmt::format("{} resolves to {}.", p.input, p.target->addr.to_string())});
    default: return words("not resolved");
  }
}

// route --------------------------------------------------------------------------------------------
LayerWords route_words(const PathResult& p, const model::LayerResult& l) {
  const std::string ip = ip_of(p);
  if (l.finding == Finding::not_run) {
    if (l.not_run && l.not_run->cause == model::Cause::lookup_failed)
      return words("lookup failed", {fmt::format("The kernel's route to {} could not be read: {}.", ip, l.not_run->detail)});
    return words("not looked up");
  }
  if (!p.route) return words("no address");
  const auto& r = *p.route;
  const std::string dev = p.link ? p.link->name : fmt::format("if{}", r.oif);
  const std::string how = r.gateway ? fmt::format("via {} dev {}", r.gateway->to_string(), dev) : fmt::format("on-link dev {}", dev);
  switch (l.finding) {
    case Finding::route_ok:
      return words(how, {fmt::format("The kernel routes {} {}{}.", ip, how, r.prefsrc ? " from " + r.prefsrc->to_string() : "")});
    case Finding::route_detour:
      return words(how + " (detour)", {fmt::format("The kernel routes {} {} because {} is down.", ip, how,
                                                   p.down_links_for_target.front().first.name)});
    case Finding::route_local: return words("local address");
    case Finding::route_none_link_down: return words("no route (link down)", {fmt::format("There is no route to {}.", ip)});
    case Finding::route_none: return words("no route", {fmt::format("The kernel has no route to {} (ENETUNREACH).", ip)});
    case Finding::route_drops:
      return words(model::route_type_name(r.type) + " route",
                   {fmt::format("The kernel's route to {} is a {} route: it drops the traffic itself.", ip, model::route_type_name(r.type))});
    default: return words("no address");
  }
}

// link ---------------------------------------------------------------------------------------------
LayerWords link_words(const PathResult& p, const model::LayerResult& l) {
  switch (l.finding) {
    case Finding::link_subnet_down: {
      const auto& [link, addr] = p.down_links_for_target.front();
      return words(fmt::format("{} {}", link.name, !link.admin_up() ? "DOWN" : "NO-CARRIER"),
                   {fmt::format("Interface {} holds {}/{}, the subnet of {}, and is {} (operstate {}).", link.name,
                                addr.addr.to_string(), addr.prefix_len, ip_of(p),
                                !link.admin_up() ? "administratively down" : "without carrier", model::operstate_name(link.operstate))});
    }
    case Finding::link_other_down: {
      const auto& [down, addr] = p.other_down_links.front();
      const auto& up = *p.link;
      return words(fmt::format("{} up; {} DOWN", up.name, down.name),
                   {fmt::format("Interface {} ({}/{}) is {}; if {} should be reached through it, its routes went away with it "
                                "and the kernel now uses {} via {}.",
                                down.name, addr.addr.to_string(), addr.prefix_len,
                                down.admin_up() ? "without carrier" : "administratively down", ip_of(p), up.name,
                                p.route->gateway->to_string())});
    }
    case Finding::link_admin_down:
      return words(p.link->name + " DOWN", {fmt::format("Interface {} is administratively down.", p.link->name)});
    case Finding::link_no_carrier:
      return words(p.link->name + " NO-CARRIER",
                   {fmt::format("Interface {} has no carrier (operstate {}).", p.link->name, model::operstate_name(p.link->operstate))});
    case Finding::link_up: return words(fmt::format("{} up, mtu {}", p.link->name, p.link->mtu));
    case Finding::not_run:
      if (l.not_run)
        return words("lookup failed", {fmt::format("The output interface of the route to {} could not be read: {}.", ip_of(p),
                                                   describe(*l.not_run))});
      return words("no interface");
    case Finding::no_address: return words("no address");
    default: return words("no interface");
  }
}

// neighbor -----------------------------------------------------------------------------------------
LayerWords neighbor_words(const PathResult& p, const model::LayerResult& l) {
  if (l.finding == Finding::no_address) return words("no address");
  if (!p.next_hop) {
    if (l.not_run) return words(describe(*l.not_run));
    return words("no next hop");
  }
  const std::string hop = p.next_hop->to_string();
  const bool is_gateway = p.route && p.route->gateway;
  const std::string who = is_gateway ? fmt::format("gateway {}", hop) : hop;
  switch (l.finding) {
    case Finding::neigh_unresolved_entry:
      return words(fmt::format("{} {}", hop, model::neigh_state_name(p.neigh_before->state)),
                   {fmt::format("The kernel could not resolve {}: its entry is {}.", who, entry_words(*p.neigh_before))});
    case Finding::neigh_proven_by_answer:
      return words(fmt::format("{} (not ARP-probed)", hop), {fmt::format("The target answered, so {} forwards traffic.", who)});
    case Finding::neigh_silent_target_answered:
      return words("no ARP reply", {fmt::format("{} did not answer ARP, yet the target answered.", who)});
    case Finding::not_run: {
      if (!l.not_run || (l.not_run->cause == model::Cause::not_applicable && l.not_run->detail.empty()))
        return words("not applicable");
      const std::string entry = p.neigh_before ? "the kernel entry is " + entry_words(*p.neigh_before) : "the kernel has no entry for it";
      if (p.arp && p.arp->interrupted)
        return words("not ARP-probed", {fmt::format("ARP to {} got no answer before the run was cut short; {}.", who, entry)});
      return words("not ARP-probed", {fmt::format("ARP to {} was not sent ({}); {}.", who, describe(*l.not_run), entry)});
    }
    default: break;
  }
  if (!p.arp || !l.arp) return words("not ARP-probed");
  const std::string dev = p.link ? p.link->name : "";
  const std::optional<wire::IpAddr> no_gateway;  // the next hop is always on-link
  detail::ArpFacts facts{*p.next_hop, dev, p.neigh_before, p.neigh_after, *p.arp, no_gateway};
  std::vector<std::string> evidence;
  for (auto& d : detail::arp_details(facts, *l.arp)) evidence.push_back(is_gateway ? "Gateway: " + d : d);
  switch (l.finding) {
    case Finding::neigh_consistent: return words(fmt::format("{} at {}", hop, p.arp->answering_macs().front().to_string()), evidence);
    case Finding::neigh_stale: return words("STALE entry", evidence);
    case Finding::neigh_conflict: return words("IP conflict", evidence);
    case Finding::neigh_silent: return words("no ARP reply", evidence);
    default: return words("unknown");
  }
}

// network ------------------------------------------------------------------------------------------
LayerWords network_words(const PathResult& p, const model::LayerResult& l) {
  const std::string ip = ip_of(p);
  switch (l.finding) {
    case Finding::no_address: return words("no address");
    case Finding::echo_proven_by_tcp:
      return words("not probed (target answered TCP)",
                   {fmt::format("ICMP echo was not sent ({}), but the target answered TCP.", describe(*p.echo_not_run))});
    case Finding::not_run:
      if (p.echo) return words("interrupted");
      if (!l.not_run) return words("not applicable");
      return words("not probed", {fmt::format("ICMP echo was not sent: {}.", describe(*l.not_run))});
    case Finding::echo_reply: return words(fmt::format("echo {:.2f} ms", p.echo->rtt_ms));
    case Finding::echo_icmp_error: {
      const auto& e = *p.echo->error;
      return words(fmt::format("{} from {}", icmp_meaning(e), e.from.to_string()),
                   {fmt::format("{} answered the echo to {} with {}.", e.from.to_string(), ip, icmp_error_text(e))});
    }
    case Finding::echo_blocked:
      return words("echo blocked",
                   {fmt::format("{} does not answer ICMP echo, but it answers TCP: ICMP is filtered, which is not a fault.", ip)});
    case Finding::echo_silent: return words("no echo reply", {fmt::format("{} did not answer ICMP echo.", ip)});
    case Finding::echo_send_failed:
      return words("not sent", {fmt::format("The echo to {} could not be sent: {}.", ip,
                                            p.echo->send_error ? send_error_text(*p.echo->send_error) : "send failed")});
    default: return words("unknown");
  }
}

// transport ----------------------------------------------------------------------------------------
LayerWords transport_words(const PathResult& p, const model::LayerResult& l) {
  if (l.finding == Finding::no_address) return words("no address");
  if (l.finding == Finding::tcp_no_port) return words("no port given");
  if (l.finding == Finding::not_run) {
    if (p.tcp) return words("interrupted");
    if (!l.not_run) return words("not applicable");
    return words("not probed", {describe(*l.not_run)});
  }
  const auto& t = *p.tcp;
  const auto port = p.port.value_or(0);
  const std::string where = fmt::format("{}:{}", ip_of(p), port);
  switch (l.finding) {
    case Finding::tcp_open: return words(fmt::format("{} open {:.2f} ms", port, t.rtt_ms));
    case Finding::tcp_closed:
      return words(fmt::format("{} closed (RST)", port),
                   {fmt::format("{} answered the SYN with RST: the host is up but nothing accepts on port {}.", where, port)});
    case Finding::tcp_rejected:
      return words(fmt::format("{} rejected", port),
                   {fmt::format("{} rejected the SYN to {}: {}.", t.error ? t.error->from.to_string() : std::string("the path"), where,
                                t.error ? icmp_error_text(*t.error) : tcp_detail(t))});
    case Finding::tcp_filtered:
      return words(fmt::format("{} no answer", port),
                   {fmt::format("Nothing answered the SYN to {}: it was dropped on the way or at the host.", where)});
    case Finding::tcp_send_failed: return words("not sent", {fmt::format("The SYN to {} failed: {}.", where, tcp_detail(t))});
    default: return words("unknown");
  }
}

// mtu ----------------------------------------------------------------------------------------------
LayerWords mtu_words(const PathResult& p, const model::LayerResult& l) {
  if (l.finding == Finding::no_address) return words("no address");
  if (l.finding == Finding::not_run) {
    if (!l.not_run) return words("not probed");
    if (l.check == Check::not_tested)
      return words("not probed", {fmt::format("DF echo requests were not sent: {}.", describe(*l.not_run))});
    return words(describe(*l.not_run));
  }
  if (l.finding == Finding::mtu_needs_echo) return words("needs echo replies");
  std::uint32_t largest_ok = 0, biggest = 0, smallest_silent = 0;
  std::optional<model::IcmpErrorInfo> frag_needed;
  for (const auto& m : p.mtu_probes) {
    biggest = std::max(biggest, m.size);
    if (m.answered) {
      largest_ok = std::max(largest_ok, m.size);
    } else if (m.error && m.error->mtu) {
      if (!frag_needed || m.error->mtu < frag_needed->mtu) frag_needed = m.error;
    } else if (smallest_silent == 0 || m.size < smallest_silent) {
      smallest_silent = m.size;
    }
  }
  switch (l.finding) {
    case Finding::mtu_all_pass: return words(fmt::format("{} bytes pass", biggest));
    case Finding::mtu_pmtud_works:
      return words(fmt::format("path MTU {}", frag_needed->mtu),
                   {fmt::format("{} reports a next-hop MTU of {} (fragmentation needed): path-MTU discovery works.",
                                frag_needed->from.to_string(), frag_needed->mtu)});
    case Finding::mtu_black_hole: {
      std::string passes = largest_ok ? fmt::format("Echo requests of {} bytes with DF set pass, ", largest_ok)
                                      : std::string("No DF echo request of the sizes tried passes; ");
      return words(largest_ok ? fmt::format("black hole above {}", largest_ok) : "black hole",
                   {passes + fmt::format("{} bytes and more vanish without a 'fragmentation needed' error: a path-MTU black hole.",
                                         smallest_silent)});
    }
    case Finding::mtu_irregular:
      return words(fmt::format("largest {} bytes", largest_ok),
                   {"Some large DF echo requests went unanswered, not in size order (loss?)."});
    default: return words("unknown");
  }
}

// verdict ------------------------------------------------------------------------------------------
std::string target_words(const PathResult& p) {
  std::string s = ip_of(p);
  if (p.port) s += fmt::format(":{}", *p.port);
  if (p.target && p.target->was_name) s = fmt::format("{} ({})", p.input, s);
  return s;
}

const model::LayerResult* layer_of(const std::vector<model::LayerResult>& layers, Layer l) {
  for (const auto& r : layers)
    if (r.layer == l) return &r;
  return nullptr;
}

std::string healthy_words(const PathResult& p, const std::vector<model::LayerResult>& layers) {
  for (auto l : {Layer::transport, Layer::network})
    if (const auto* r = layer_of(layers, l); r && r->check == Check::pass)
      return fmt::format("The {} path to {} works ({}).", role(p), target_words(p), layer_words(p, *r).summary);
  return fmt::format("The {} path to {} works.", role(p), target_words(p));
}

std::string failure_sentence(const PathResult& p, const std::vector<model::LayerResult>& layers, const model::PathJudgement& j) {
  std::string s = fmt::format("The {} path to {} fails at the {} layer", role(p), target_words(p), model::layer_name(j.layer));
  const auto* failed = j.failed ? layer_of(layers, *j.failed) : nullptr;
  if (!failed) return s + ".";
  auto w = layer_words(p, *failed);
  if (!w.evidence.empty()) return s + ": " + w.evidence.front();
  return s + ": " + w.summary + ".";
}

std::string unknown_sentence(const PathResult& p, const model::PathJudgement& j) {
  std::string list;
  for (auto l : j.untested_below) list += (list.empty() ? "" : ", ") + model::layer_name(l);
  if (j.failed)
    return fmt::format("The {} path to {} fails at the {} layer, but the {} layer could not be tested and could be the cause.", role(p),
                       target_words(p), model::layer_name(*j.failed), list);
  if (list.empty())
    return fmt::format("The {} path to {} could not be shown to work: nothing answered and nothing failed.", role(p), target_words(p));
  return fmt::format("The {} path to {} could not be shown to work: the {} layer{} could not be tested.", role(p), target_words(p), list,
                     j.untested_below.size() == 1 ? "" : "s");
}

// The public path's half of a sentence about both: works, fails, or could not be shown to work.
std::string other_path_words(const PathResult& p, const std::vector<model::LayerResult>& layers, const model::PathJudgement& j) {
  if (j.status == model::Status::ok) return healthy_words(p, layers);
  if (j.status == model::Status::failing) return failure_sentence(p, layers, j);
  return unknown_sentence(p, j);
}

void add_evidence(std::vector<std::string>& out, const PathResult& p, const std::vector<model::LayerResult>& layers,
                  const model::PathJudgement& j, bool with_warnings) {
  const std::string r = role(p);
  if (j.failed)
    if (const auto* failed = layer_of(layers, *j.failed))
      for (auto& e : layer_words(p, *failed).evidence) out.push_back(fmt::format("{}: {}", r, e));
  if (with_warnings)
    for (const auto& l : layers)
      if (l.check == Check::warn)
        for (auto& e : layer_words(p, l).evidence) out.push_back(fmt::format("{} (warning): {}", r, e));
  for (auto l : j.untested_below)
    if (const auto* lr = layer_of(layers, l))
      for (auto& e : layer_words(p, *lr).evidence) out.push_back(fmt::format("{} (not tested): {}", r, e));
}

}  // namespace

LayerWords layer_words(const PathResult& p, const model::LayerResult& l) {
  switch (l.layer) {
    case Layer::dns: return dns_words(p, l);
    case Layer::route: return route_words(p, l);
    case Layer::link: return link_words(p, l);
    case Layer::neighbor: return neighbor_words(p, l);
    case Layer::network: return network_words(p, l);
    case Layer::transport: return transport_words(p, l);
    case Layer::mtu: return mtu_words(p, l);
    default: return words("unknown");
  }
}

std::string verdict_summary(const model::Diagnosis& d) {
  const auto& v = d.verdict;
  const auto& priv = d.private_path;
  const auto& pl = d.private_layers;
  switch (v.conclusion) {
    case model::Conclusion::private_inconclusive: return unknown_sentence(priv, v.private_judgement);
    case model::Conclusion::public_unverified:
      return fmt::format("{} {}", healthy_words(priv, pl), unknown_sentence(*d.public_path, *v.public_judgement));
    case model::Conclusion::healthy: {
      std::string s = healthy_words(priv, pl);
      if (d.public_path) s += fmt::format(" {}", healthy_words(*d.public_path, d.public_layers));
      return s;
    }
    case model::Conclusion::both_fail:
      return fmt::format("{} {}", failure_sentence(priv, pl, v.private_judgement),
                         other_path_words(*d.public_path, d.public_layers, *v.public_judgement));
    case model::Conclusion::private_fails: {
      std::string s = failure_sentence(priv, pl, v.private_judgement);
      if (d.public_path) s += fmt::format(" {}", other_path_words(*d.public_path, d.public_layers, *v.public_judgement));
      return s;
    }
    case model::Conclusion::public_fails:
      return fmt::format("{} {}", failure_sentence(*d.public_path, d.public_layers, *v.public_judgement), healthy_words(priv, pl));
  }
  return "";
}

std::vector<std::string> verdict_evidence(const model::Diagnosis& d) {
  const auto& v = d.verdict;
  std::vector<std::string> out;
  switch (v.conclusion) {
    case model::Conclusion::private_inconclusive: add_evidence(out, d.private_path, d.private_layers, v.private_judgement, false); break;
    case model::Conclusion::public_unverified: add_evidence(out, *d.public_path, d.public_layers, *v.public_judgement, false); break;
    case model::Conclusion::healthy:
      for (const auto* layers : {&d.private_layers, &d.public_layers})
        for (const auto& l : *layers)
          if (l.check == Check::warn)
            for (auto& e : layer_words(layers == &d.private_layers ? d.private_path : *d.public_path, l).evidence) out.push_back(e);
      break;
    case model::Conclusion::both_fail:
      add_evidence(out, d.private_path, d.private_layers, v.private_judgement, true);
      add_evidence(out, *d.public_path, d.public_layers, *v.public_judgement, true);
      break;
    case model::Conclusion::private_fails: add_evidence(out, d.private_path, d.private_layers, v.private_judgement, true); break;
    case model::Conclusion::public_fails: add_evidence(out, *d.public_path, d.public_layers, *v.public_judgement, true); break;
  }
  if (v.cut_short) out.push_back("cut short (interrupted or past the deadline) before every probe finished");
  return out;
}

std::optional<std::string> fix_text(const model::Diagnosis& d) {
  if (!d.verdict.fix) return std::nullopt;
  const auto& f = *d.verdict.fix;
  const PathResult& p = f.path == model::Path::public_ && d.public_path ? *d.public_path : d.private_path;
  const std::string ip = ip_of(p);
  const auto port = p.port.value_or(0);
  using model::FixKind;
  switch (f.kind) {
    case FixKind::dns_check: return fmt::format("check the name and the resolver: getent hosts {}; cat /etc/resolv.conf", p.input);
    case FixKind::route_add:
      return fmt::format("add a route: ip route add {}/{} via GATEWAY dev {}", ip, p.target && p.target->addr.is_v6() ? 128 : 32, dev_of(p));
    case FixKind::route_delete:
      return fmt::format("find and delete the {} route that covers {}: ip route show table all | grep -E '^(blackhole|unreachable|prohibit)'",
                         p.route ? model::route_type_name(p.route->type) : "bad", ip);
    case FixKind::link_up: return fmt::format("ip link set dev {} up", f.dev);
    case FixKind::link_carrier: return fmt::format("{} has no carrier: check its peer (ip -d link show {})", f.dev, f.dev);
    case FixKind::neigh_replace:
      return fmt::format("{}   (or: {})", neigh_replace_command(*f.addr, *f.mac, f.dev), neigh_delete_command(*f.addr, f.dev));
    case FixKind::neigh_conflict:
      return fmt::format("find the host that should not hold {} (arping -I {} {})", f.addr->to_string(), f.dev, f.addr->to_string());
    case FixKind::neigh_unreachable:
      return fmt::format("check that {} is up and on the same segment as {}", f.addr->to_string(), f.dev);
    case FixKind::router_refuses:
      return fmt::format("{} refuses to forward to {} ({}): check its routes and security rules", f.addr->to_string(), ip,
                         p.echo && p.echo->error ? icmp_meaning(*p.echo->error) : "an ICMP error");
    case FixKind::target_unreachable: return fmt::format("check that {} is up and that ICMP and TCP to it are allowed", ip);
    case FixKind::service_closed:
      return fmt::format("start the service, or make it listen on {} port {} (ss -ltn on the host)", ip, port);
    case FixKind::firewall_rejects:
      return fmt::format("a firewall at {} rejects TCP port {}: check its rules (security group / network ACL / nft list ruleset)",
                         f.addr ? f.addr->to_string() : ip, port);
    case FixKind::silent_drop:
      return fmt::format("something drops TCP port {} to {} silently: check the security group / network ACL / host firewall", port, ip);
    case FixKind::mtu_lower:
      return fmt::format("ip link set dev {} mtu {} (or let ICMP 'fragmentation needed' through on the path)", f.dev, f.size);
    case FixKind::mtu_let_icmp_through:
      return fmt::format("let ICMP 'fragmentation needed' through on the path to {}, and find the largest size that passes "
                         "(vpcprobe ping --df -s SIZE {})", ip, ip);
  }
  return std::nullopt;
}

}  // namespace vpcprobe::render
