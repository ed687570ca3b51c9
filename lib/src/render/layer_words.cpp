// What each layer's finding means: the table cell and the sentences of evidence.
#include <fmt/format.h>

#include <algorithm>

#include "app_words.hpp"
#include "arp_words.hpp"
#include "path_words.hpp"
#include "vpcprobe/render/diagnose.hpp"
#include "vpcprobe/render/words.hpp"

namespace vpcprobe::render {

using model::Check;
using model::Finding;
using model::Layer;
using model::PathResult;
using namespace detail;

namespace {

LayerWords words(std::string summary, std::vector<std::string> evidence = {}) { return {std::move(summary), std::move(evidence)}; }

// What the witness saw, as the end of a sentence about answers that never reached vpcprobe.
std::string dropped_here_words(const model::WireWitness& w, const char* what, int n) {
  std::string s = fmt::format("{} {} reached {} but never vpcprobe: this host dropped {} after {} arrived", n, what,
                              w.in_interface.empty() ? "this host" : w.in_interface, n == 1 ? "it" : "them", n == 1 ? "it" : "they");
  if (!w.asymmetric()) return s + ": a local INPUT rule (nftables/iptables).";
  s += fmt::format(". They came back through {} although the probes left through {}: an asymmetric return path", w.in_interface,
                   w.out_interface);
  const std::string mode = w.rp_filter ? fmt::format("rp_filter={} on {}", *w.rp_filter, w.in_interface) : std::string("rp_filter");
  if (w.return_refused()) return s + fmt::format(", which reverse-path filtering refuses ({}).", mode);
  return s + fmt::format("; reverse-path filtering lets it in ({}), so a local INPUT rule dropped them.", mode);
}

// Where silence came from: it was not seen leaving (dropped on this host, or rewritten on the way
// out), or it left and nothing came back on any interface; or nothing watched.
std::string where_lost(const PathResult& p, int out) {
  const auto& w = p.witness;
  if (!w) {
    if (p.witness_not_run && p.witness_not_run->cause == model::Cause::no_privilege)
      return " Without CAP_NET_RAW vpcprobe cannot see whether it left this host: a local firewall rule (`nft list ruleset`, "
             "`iptables-save`) may drop it as well.";
    return "";
  }
  if (out == 0)
    return " None of the probes was seen leaving an interface towards it: dropped on this host after vpcprobe sent them (or "
           "rewritten on the way out: DNAT, IPsec).";
  return fmt::format(" They left through {}; nothing came back on any interface: lost on the way or at the target.",
                     w->out_interface.empty() ? "this host" : w->out_interface);
}

// dns ----------------------------------------------------------------------------------------------
LayerWords dns_words(const PathResult& p, const model::LayerResult& l) {
  switch (l.finding) {
    case Finding::dns_unresolved: {
      const auto& e = *p.dns_error;
      if (e.kind == model::DnsFailure::Kind::timeout)
        return words("does not resolve", {fmt::format("'{}' did not resolve in time (the resolver did not answer)", p.input)});
      return words("does not resolve", {fmt::format("'{}' does not resolve to an address vpcprobe may probe: {}.", p.input, e.detail)});
    }
    case Finding::dns_numeric: return words("numeric address");
    case Finding::dns_resolved:
      return words(fmt::format("{} in {:.1f} ms", p.target->addr.to_string(), p.target->resolve_ms),
                   {fmt::format("{} resolves to {}.", p.input, p.target->addr.to_string())});
    case Finding::dns_public_address: {
      const std::string addr = p.target->addr.to_string();
      const std::string what = p.target->was_name ? fmt::format("{} resolves to {}, a public address", p.input, addr)
                                                  : fmt::format("{} is a public address", addr);
      if (l.check == Check::degraded)
        return words(fmt::format("{}: public address", addr),
                     {fmt::format("{}: the private path goes over the internet (egress fees, the provider's public firewall) "
                                  "instead of through the VPC.", what)});
      return words(fmt::format("{}: public address", addr),
                   {fmt::format("{}, reached through a route of its own (some VPCs use public address space on purpose).", what)});
    }
    case Finding::dns_private_address: {
      const std::string addr = p.target->addr.to_string();
      return words(fmt::format("{}: private address", addr),
                   {fmt::format("{} is a private address: this is not the public path.",
                                p.target->was_name ? fmt::format("{} resolves to {}, which", p.input, addr) : addr)});
    }
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
    case Finding::route_via_default:
      return words(fmt::format("default route, dev {}", dev),
                   {fmt::format("{} is a private address, but the kernel sends it by the default route ({}) from the public "
                                "address {}: there is no route to it through the VPC.", ip, how, src_of(p))});
    case Finding::route_public_side:
      return words(fmt::format("public side, dev {}", dev),
                   {fmt::format("{} is a private address, but it leaves {} from the public address {}: by the public side, "
                                "not through the VPC.", ip, how, src_of(p))});
    case Finding::route_detour:
      return words(how + " (detour)", {fmt::format("The kernel routes {} {} because {} is down.", ip, how,
                                                   p.down_links_for_target.front().first.name)});
    case Finding::route_local: return words("local address");
    case Finding::route_none_link_down: return words("no route (link down)", {fmt::format("There is no route to {}.", ip)});
    case Finding::route_none: return words("no route", {fmt::format("The kernel has no route to {} (ENETUNREACH).", ip)});
    case Finding::route_drops:
      return words(model::route_type_name(r.type) + " route",
                   {fmt::format("The kernel's route to {} is {} {} route: it drops the traffic itself.", ip,
                                model::route_type_name(r.type) == "unreachable" ? "an" : "a", model::route_type_name(r.type))});
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
  const std::string arp = p.next_hop->is_v6() ? "NDP" : "ARP";  // IPv6 neighbors answer Neighbor Discovery
  const bool is_gateway = p.route && p.route->gateway;
  const std::string who = is_gateway ? fmt::format("gateway {}", hop) : hop;
  switch (l.finding) {
    case Finding::neigh_unresolved_entry:
      return words(fmt::format("{} {}", hop, model::neigh_state_name(p.neigh_before->state)),
                   {fmt::format("The kernel could not resolve {}: its entry is {}.", who, entry_words(*p.neigh_before))});
    case Finding::neigh_proven_by_answer: {
      std::vector<std::string> evidence{fmt::format("The target answered, so {} forwards traffic.", who)};
      if (p.arp_not_run)
        evidence.push_back(fmt::format("{} to {} was not sent ({}): a second host answering for the same address (an IP conflict) "
                                       "would not show.", arp, who, describe(*p.arp_not_run)));
      return words(fmt::format("{} (not {}-probed)", hop, arp), evidence);
    }
    case Finding::neigh_silent_target_answered:
      return words(fmt::format("no {} reply", arp), {fmt::format("{} did not answer {}, yet the target answered.", who, arp)});
    case Finding::not_run: {
      if (!l.not_run || (l.not_run->cause == model::Cause::not_applicable && l.not_run->detail.empty())) return words("not applicable");
      const std::string entry = p.neigh_before ? "the kernel entry is " + entry_words(*p.neigh_before) : "the kernel has no entry for it";
      if (p.arp && p.arp->interrupted)
        return words(fmt::format("not {}-probed", arp), {fmt::format("{} to {} got no answer before the run was cut short; {}.", arp, who, entry)});
      return words(fmt::format("not {}-probed", arp), {fmt::format("{} to {} was not sent ({}); {}.", arp, who, describe(*l.not_run), entry)});
    }
    default: break;
  }
  if (!p.arp || !l.arp) return words(fmt::format("not {}-probed", arp));
  const std::string dev = p.link ? p.link->name : "";
  const std::optional<wire::IpAddr> no_gateway;  // the next hop is always on-link
  ArpFacts facts{*p.next_hop, dev, p.neigh_before, p.neigh_after, *p.arp, no_gateway};
  std::vector<std::string> evidence;
  for (auto& d : arp_details(facts, *l.arp)) evidence.push_back(is_gateway ? "Gateway: " + d : d);
  switch (l.finding) {
    case Finding::neigh_consistent: return words(fmt::format("{} at {}", hop, p.arp->answering_macs().front().to_string()), evidence);
    case Finding::neigh_stale: return words("STALE entry", evidence);
    case Finding::neigh_conflict: return words("IP conflict", evidence);
    case Finding::neigh_silent: return words(fmt::format("no {} reply", arp), evidence);
    default: return words("unknown");
  }
}

// network ------------------------------------------------------------------------------------------
LayerWords network_words(const PathResult& p, const model::LayerResult& l) {
  const std::string ip = ip_of(p);
  const auto s = model::summarize(p.echoes);
  const auto rtt = model::rtt_summary(s.rtts_ms);
  auto first = [&](model::EchoOutcome o) -> const model::EchoResult* {
    for (const auto& e : p.echoes)
      if (e.outcome == o) return &e;
    return nullptr;
  };
  switch (l.finding) {
    case Finding::no_address: return words("no address");
    case Finding::echo_proven_by_tcp:
      return words("not probed (target answered TCP)",
                   {fmt::format("ICMP echo was not sent ({}), but the target answered TCP.", describe(*p.echo_not_run))});
    case Finding::not_run:
      if (!p.echoes.empty()) return words("interrupted");
      if (!l.not_run) return words("not applicable");
      return words("not probed", {fmt::format("ICMP echo was not sent: {}.", describe(*l.not_run))});
    case Finding::echo_reply: return words(fmt::format("echo {:.2f} ms", rtt ? rtt->median_ms : 0.0));
    case Finding::echo_loss: {
      const auto df = model::df_loss_below(p.mtu_probes);
      std::string why = fmt::format("{} answered {} of {} echo requests", ip, s.answered, s.sent);
      if (s.errors) why += fmt::format(" ({} answered by an ICMP error)", s.errors);
      if (df.lost)
        why += fmt::format(", and {} of {} DF echo requests no larger than a size that passed were lost", df.lost, df.of);
      return words(fmt::format("intermittent: {} of {} lost", s.sent - s.answered + df.lost, s.sent + df.of),
                   {fmt::format("{}: intermittent loss, {}.", why, rtt_words(s))});
    }
    case Finding::echo_icmp_error: {
      const auto& e = *first(model::EchoOutcome::icmp_error)->error;
      return words(fmt::format("{} from {}", icmp_meaning(e), e.from.to_string()),
                   {fmt::format("{} answered the echo to {} with {}.", e.from.to_string(), ip, icmp_error_text(e))});
    }
    case Finding::echo_blocked:
      return words("echo blocked",
                   {fmt::format("{} does not answer ICMP echo, but it answers TCP: ICMP is filtered, which is not a fault.", ip)});
    case Finding::echo_silent:
      return words("no echo reply", {fmt::format("{} did not answer ICMP echo ({} requests).{}", ip, s.sent,
                                                 where_lost(p, p.witness ? p.witness->echo_out : 0))});
    case Finding::echo_silent_arp_ok:
      return words("no echo reply",
                   {fmt::format("{} answers {}, so it is up on the segment, but neither ICMP echo nor TCP: its host firewall drops "
                                "us, its replies go back another way (an asymmetric return path), or it has no route back to {}.{}",
                                ip, is_v6(p) ? "neighbor discovery" : "ARP", src_of(p), where_lost(p, p.witness ? p.witness->echo_out : 0))});
    case Finding::echo_lost_in_loss: {
      const auto t = model::summarize(p.syns);
      return words("no echo reply (loss?)",
                   {fmt::format("None of the {} echo requests to {} was answered, but {} of {} SYNs were lost too: heavy loss alone "
                                "may explain it (or ICMP is filtered as well).", s.sent, ip, t.lost, t.sent)});
    }
    case Finding::echo_dropped_here:
      return words("replies dropped here", {dropped_here_words(*p.witness, "echo replies", p.witness->echo_in)});
    case Finding::echo_local_drop: {
      const auto* e = first(model::EchoOutcome::send_error);
      return words("not sent: local firewall",
                   {fmt::format("The echo to {} was dropped by this host before it left ({}): {}.", ip,
                                e && e->send_error ? send_error_text(*e->send_error) : "send refused", local_rule_words())});
    }
    case Finding::echo_send_failed: {
      const auto* e = first(model::EchoOutcome::send_error);
      return words("not sent", {fmt::format("The echo to {} could not be sent: {}.", ip,
                                            e && e->send_error ? send_error_text(*e->send_error) : "send failed")});
    }
    default: return words("unknown");
  }
}

// transport ----------------------------------------------------------------------------------------
LayerWords transport_words(const PathResult& p, const model::LayerResult& l) {
  if (l.finding == Finding::no_address) return words("no address");
  if (l.finding == Finding::tcp_no_port) return words("no port given");
  if (l.finding == Finding::not_run) {
    if (!p.syns.empty()) return words("interrupted");
    if (!l.not_run) return words("not applicable");
    return words("not probed", {describe(*l.not_run)});
  }
  const auto port = p.port.value_or(0);
  const std::string where = with_port(p, ip_of(p), port);
  const auto s = model::summarize(p.syns);
  const auto rtt = model::rtt_summary(s.rtts_ms);
  auto first = [&](model::TcpState st) -> const model::TcpResult* {
    for (const auto& t : p.syns)
      if (t.state == st) return &t;
    return nullptr;
  };
  switch (l.finding) {
    case Finding::tcp_open: return words(fmt::format("{} open {:.2f} ms", port, rtt ? rtt->median_ms : 0.0));
    case Finding::tcp_loss: {
      int open = 0, closed = 0, rejected = 0;
      for (const auto& t : p.syns) {
        open += t.state == model::TcpState::open;
        closed += t.state == model::TcpState::closed;
        rejected += t.state == model::TcpState::rejected;
      }
      std::string other;
      if (s.lost) other += fmt::format("{} got no answer", s.lost);
      if (closed) other += fmt::format("{}{} were reset", other.empty() ? "" : ", ", closed);
      if (rejected) other += fmt::format("{}{} were rejected", other.empty() ? "" : ", ", rejected);
      return words(fmt::format("intermittent: {} of {} not open", s.sent - open, s.sent),
                   {fmt::format("{} of {} SYNs to {} found the port open, {}: intermittent ({}).", open, s.sent, where, other,
                                rtt_words(s))});
    }
    case Finding::tcp_closed:
      return words(fmt::format("{} closed (RST)", port),
                   {fmt::format("{} answered the SYN with RST: the host is up but nothing accepts on port {}.", where, port)});
    case Finding::tcp_rejected: {
      const auto& t = *first(model::TcpState::rejected);
      return words(fmt::format("{} rejected", port),
                   {fmt::format("{} rejected the SYN to {}: {}.", t.error ? t.error->from.to_string() : std::string("the path"), where,
                                t.error ? icmp_error_text(*t.error) : tcp_detail(t))});
    }
    case Finding::tcp_filtered:
      return words(fmt::format("{} no answer", port),
                   {fmt::format("Nothing answered the SYN to {}: it was dropped on the way or at the host.{}", where,
                                where_lost(p, p.witness ? p.witness->tcp_out : 0))});
    case Finding::tcp_lost_in_loss: {
      const auto e = model::summarize(p.echoes);
      return words(fmt::format("{} no answer (loss?)", port),
                   {fmt::format("None of the {} SYNs to {} was answered, but {} of {} echo requests were lost too: heavy loss alone "
                                "may explain it (or the port is filtered as well).", s.sent, where, e.lost, e.sent)});
    }
    case Finding::tcp_dropped_here:
      return words("answers dropped here", {dropped_here_words(*p.witness, "answers to the SYNs", p.witness->tcp_in)});
    case Finding::tcp_local_drop: {
      const auto* t = first(model::TcpState::error);
      return words("not sent: local firewall", {fmt::format("The SYN to {} was dropped by this host before it left ({}): {}.", where,
                                                            t ? tcp_detail(*t) : "send refused", local_rule_words())});
    }
    case Finding::tcp_send_failed: {
      const auto* t = first(model::TcpState::error);
      return words("not sent", {fmt::format("The SYN to {} failed: {}.", where, t ? tcp_detail(*t) : "send failed")});
    }
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
                   {fmt::format("{} reports a next-hop MTU of {} ({}): path-MTU discovery works.", frag_needed->from.to_string(),
                                frag_needed->mtu, too_big_words(p))});
    case Finding::mtu_black_hole: {
      std::string passes = largest_ok ? fmt::format("Echo requests of {} bytes with DF set pass, ", largest_ok)
                                      : std::string("No DF echo request of the sizes tried passes; ");
      if (l.check == Check::warn)  // seen through loss
        return words(fmt::format("black hole above {}? (loss)", largest_ok),
                     {passes + fmt::format("{} bytes and more vanish without a '{}' error: most likely a path-MTU "
                                           "black hole, but the path also loses probes; confirm with `vpcprobe ping --df -s {} -c 20 {}`.",
                                           smallest_silent, too_big_words(p), smallest_silent - (p.target && p.target->addr.is_v6() ? 48 : 28), ip_of(p))});
      return words(largest_ok ? fmt::format("black hole above {}", largest_ok) : "black hole",
                   {passes + fmt::format("{} bytes and more vanish without a '{}' error: a path-MTU black hole{}.",
                                         smallest_silent, too_big_words(p),
                                         is_v6(p) ? " (IPv6 routers never fragment: without Packet Too Big the sender cannot learn the path MTU)" : "")});
    }
    case Finding::mtu_loss:
      if (model::df_loss_below(p.mtu_probes).lost == 0)  // only sizes above those that passed were lost
        return words("inconclusive (loss)",
                     {fmt::format("Every DF echo request above {} bytes went unanswered, but the path loses probes of every kind, so "
                                  "chance could explain that many: loss is certain, a size limit is not (try `vpcprobe ping --df -s "
                                  "{} -c 20 {}`).", largest_ok, smallest_silent - (p.target && p.target->addr.is_v6() ? 48 : 28), ip_of(p))});
      return words("inconclusive (loss)", {"DF echo requests were lost at sizes of every kind, as the plain echoes were: that is loss, "
                                           "not a size limit."});
    case Finding::mtu_irregular:
      return words(fmt::format("largest {} bytes", largest_ok),
                   {"Some large DF echo requests went unanswered, not in size order (loss?)."});
    default: return words("unknown");
  }
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
    case Layer::application: return application_words(p, l);
    default: return words("unknown");
  }
}

}  // namespace vpcprobe::render
