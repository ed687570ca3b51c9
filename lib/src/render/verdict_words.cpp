// What a verdict means: the summary sentence, its evidence and the command that fixes it.
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

const model::LayerResult* layer_of(const std::vector<model::LayerResult>& layers, Layer l) {
  for (const auto& r : layers)
    if (r.layer == l) return &r;
  return nullptr;
}

std::string layer_list(const std::vector<Layer>& ls) {
  std::string list;
  for (auto l : ls) list += (list.empty() ? "" : ", ") + model::layer_name(l);
  return list;
}

std::vector<Layer> untested(const std::vector<model::LayerResult>& layers) {
  std::vector<Layer> out;
  for (const auto& l : layers)
    if (l.check == Check::not_tested) out.push_back(l.layer);
  return out;
}

// "works (5432 open 0.05 ms)", and "as far as tested" when a layer could not be tested: a working
// path with an untested MTU is not a path known to carry full-size packets.
std::string healthy_words(const PathResult& p, const std::vector<model::LayerResult>& layers) {
  std::string how;
  for (auto l : {Layer::application, Layer::transport, Layer::network})
    if (const auto* r = layer_of(layers, l); r && (r->check == Check::pass || (l == Layer::application && r->check == Check::warn))) {
      how = fmt::format(" ({})", layer_words(p, *r).summary);
      break;
    }
  const auto gaps = untested(layers);
  if (gaps.empty()) return fmt::format("The {} path to {} works{}.", role(p), target_words(p), how);
  return fmt::format("The {} path to {} works as far as tested{}; the {} layer{} could not be tested.", role(p), target_words(p), how,
                     layer_list(gaps), gaps.size() == 1 ? "" : "s");
}

std::string first_words(const PathResult& p, const model::LayerResult& l) {
  auto w = layer_words(p, l);
  if (!w.evidence.empty()) return w.evidence.front();
  return w.summary + ".";
}

std::string failure_sentence(const PathResult& p, const std::vector<model::LayerResult>& layers, const model::PathJudgement& j) {
  const auto* failed = j.failed ? layer_of(layers, *j.failed) : nullptr;
  if (j.wrong_way_failed && failed) {
    const auto* way = layer_of(layers, j.layer);
    return fmt::format("The {} path to {} fails at the {} layer ({}), because it goes the wrong way at the {} layer: {}", role(p),
                       target_words(p), model::layer_name(*j.failed), layer_words(p, *failed).summary, model::layer_name(j.layer),
                       way ? first_words(p, *way) : std::string("."));
  }
  std::string s = fmt::format("The {} path to {} fails at the {} layer", role(p), target_words(p), model::layer_name(j.layer));
  if (!failed) return s + ".";
  return s + ": " + first_words(p, *failed);
}

std::string degraded_sentence(const PathResult& p, const std::vector<model::LayerResult>& layers, const model::PathJudgement& j) {
  const auto* bad = j.degraded ? layer_of(layers, *j.degraded) : nullptr;
  std::string s = fmt::format("The {} path to {} works but is degraded at the {} layer", role(p), target_words(p),
                              model::layer_name(j.degraded.value_or(j.layer)));
  if (!bad) return s + ".";
  return s + ": " + first_words(p, *bad);
}

std::string unknown_sentence(const PathResult& p, const model::PathJudgement& j) {
  const std::string list = layer_list(j.untested_below);
  if (j.failed)
    return fmt::format("The {} path to {} fails at the {} layer, but the {} layer could not be tested and could be the cause.", role(p),
                       target_words(p), model::layer_name(*j.failed), list);
  if (list.empty())
    return fmt::format("The {} path to {} could not be shown to work: nothing answered and nothing failed.", role(p), target_words(p));
  return fmt::format("The {} path to {} could not be shown to work: the {} layer{} could not be tested.", role(p), target_words(p), list,
                     j.untested_below.size() == 1 ? "" : "s");
}

// One path's sentence, whatever its state.
std::string path_sentence(const PathResult& p, const std::vector<model::LayerResult>& layers, const model::PathJudgement& j) {
  switch (j.status) {
    case model::Status::ok: return healthy_words(p, layers);
    case model::Status::failing: return failure_sentence(p, layers, j);
    case model::Status::degraded: return degraded_sentence(p, layers, j);
    default: return unknown_sentence(p, j);
  }
}

void add_evidence(std::vector<std::string>& out, const PathResult& p, const std::vector<model::LayerResult>& layers,
                  const model::PathJudgement& j, bool with_warnings) {
  const std::string r = role(p);
  auto quote = [&](const model::LayerResult& l, const std::string& label) {
    for (auto& e : layer_words(p, l).evidence) out.push_back(fmt::format("{}{}: {}", r, label, e));
  };
  // The way first when it explains the failure, then the failure, then what else is degraded.
  for (const auto& l : layers)
    if (l.check == Check::degraded && j.wrong_way_failed && l.layer == j.layer) quote(l, "");
  if (j.failed)
    if (const auto* failed = layer_of(layers, *j.failed)) quote(*failed, "");
  for (const auto& l : layers)
    if (l.check == Check::degraded && !(j.wrong_way_failed && l.layer == j.layer)) quote(l, " (degraded)");
  if (with_warnings)
    for (const auto& l : layers)
      if (l.check == Check::warn) quote(l, " (warning)");
  for (auto l : j.untested_below)
    if (const auto* lr = layer_of(layers, l)) quote(*lr, " (not tested)");
  // A target that answered proves its neighbor forwards, not that no second host claims the
  // address: next to a failure above, say that ARP was not checked.
  if (j.failed && p.arp_not_run)
    if (const auto* n = layer_of(layers, Layer::neighbor); n && n->finding == Finding::neigh_proven_by_answer) {
      const auto w = layer_words(p, *n);
      if (w.evidence.size() > 1) out.push_back(fmt::format("{} (not tested): {}", r, w.evidence[1]));
    }
}

void add_warnings(std::vector<std::string>& out, const PathResult& p, const std::vector<model::LayerResult>& layers) {
  for (const auto& l : layers)
    if (l.check == Check::warn)
      for (auto& e : layer_words(p, l).evidence) out.push_back(e);
}

}  // namespace

std::string verdict_summary(const model::Diagnosis& d) {
  const auto& v = d.verdict;
  const auto& priv = d.private_path;
  const auto& pl = d.private_layers;
  const auto pub_sentence = [&] {
    return d.public_path && v.public_judgement ? " " + path_sentence(*d.public_path, d.public_layers, *v.public_judgement)
                                               : std::string();
  };
  switch (v.conclusion) {
    case model::Conclusion::private_inconclusive: return unknown_sentence(priv, v.private_judgement);
    case model::Conclusion::public_unverified:
      return fmt::format("{} {}", healthy_words(priv, pl), unknown_sentence(*d.public_path, *v.public_judgement));
    case model::Conclusion::healthy: return healthy_words(priv, pl) + pub_sentence();
    case model::Conclusion::both_fail:
    case model::Conclusion::private_fails: return failure_sentence(priv, pl, v.private_judgement) + pub_sentence();
    case model::Conclusion::public_fails:
      return fmt::format("{} {}", failure_sentence(*d.public_path, d.public_layers, *v.public_judgement), healthy_words(priv, pl));
    case model::Conclusion::degraded:
      if (v.private_judgement.status == model::Status::degraded) return degraded_sentence(priv, pl, v.private_judgement) + pub_sentence();
      return fmt::format("{} {}", healthy_words(priv, pl), path_sentence(*d.public_path, d.public_layers, *v.public_judgement));
  }
  return "";
}

std::vector<std::string> verdict_evidence(const model::Diagnosis& d) {
  const auto& v = d.verdict;
  std::vector<std::string> out;
  const bool pub = d.public_path && v.public_judgement;
  switch (v.conclusion) {
    case model::Conclusion::private_inconclusive: add_evidence(out, d.private_path, d.private_layers, v.private_judgement, false); break;
    case model::Conclusion::public_unverified: add_evidence(out, *d.public_path, d.public_layers, *v.public_judgement, false); break;
    case model::Conclusion::healthy:
      add_warnings(out, d.private_path, d.private_layers);
      if (pub) add_warnings(out, *d.public_path, d.public_layers);
      break;
    case model::Conclusion::both_fail:
    case model::Conclusion::degraded:
      add_evidence(out, d.private_path, d.private_layers, v.private_judgement, true);
      if (pub) add_evidence(out, *d.public_path, d.public_layers, *v.public_judgement, true);
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
  const bool v6 = p.target && p.target->addr.is_v6();
  using model::FixKind;
  switch (f.kind) {
    case FixKind::dns_check: return fmt::format("check the name and the resolver: getent hosts {}; cat /etc/resolv.conf", p.input);
    case FixKind::route_add: return fmt::format("add a route: ip route add {}/{} via GATEWAY dev {}", ip, v6 ? 128 : 32, dev_of(p));
    case FixKind::route_delete:
      return fmt::format("find and delete the {} route that covers {}: ip route show table all | grep -E '^(blackhole|unreachable|prohibit)'",
                         p.route ? model::route_type_name(p.route->type) : "bad", ip);
    case FixKind::link_up: return fmt::format("ip link set dev {} up", f.dev);
    case FixKind::link_carrier: return fmt::format("{} has no carrier: check its peer (ip -d link show {})", f.dev, f.dev);
    case FixKind::neigh_replace:
      return fmt::format("{}   (or: {})", neigh_replace_command(*f.addr, *f.mac, f.dev), neigh_delete_command(*f.addr, f.dev));
    case FixKind::neigh_conflict:
      return fmt::format("find the host that should not hold {} ({} {} {})", f.addr->to_string(),
                         f.addr->is_v6() ? "vpcprobe arp -I" : "arping -I", f.dev, f.addr->to_string());
    case FixKind::neigh_unreachable:
      return fmt::format("check that {} is up and on the same segment as {}", f.addr->to_string(), f.dev);
    case FixKind::router_refuses: {
      std::string what = "an ICMP error";
      for (const auto& e : p.echoes)
        if (e.error) {
          what = icmp_meaning(*e.error);
          break;
        }
      return fmt::format("{} refuses to forward to {} ({}): check its routes and security rules", f.addr->to_string(), ip, what);
    }
    case FixKind::target_unreachable: return fmt::format("check that {} is up and that ICMP and TCP to it are allowed", ip);
    case FixKind::service_closed:
      return fmt::format("start the service, or make it listen on {} port {} (ss -ltn on the host)", ip, port);
    case FixKind::firewall_rejects:
      return fmt::format("a firewall at {} rejects TCP port {}: check its rules (security group / network ACL / nft list ruleset)",
                         f.addr ? f.addr->to_string() : ip, port);
    case FixKind::silent_drop:
      if (!p.witness)  // it may not have left this host at all
        return fmt::format("something drops TCP port {} to {} silently: check this host's rules (nft list ruleset), then the security "
                           "group / network ACL / the target's firewall", port, ip);
      return fmt::format("something drops TCP port {} to {} silently: check the security group / network ACL / host firewall", port, ip);
    case FixKind::mtu_lower:
      return fmt::format("ip link set dev {} mtu {} (or let {} through on the path)", f.dev, f.size,
                         is_v6(p) ? "ICMPv6 'Packet Too Big'" : "ICMP 'fragmentation needed'");
    case FixKind::mtu_let_icmp_through:
      return fmt::format("let {} through on the path to {}, and find the largest size that passes "
                         "(vpcprobe ping --df -s SIZE {})", is_v6(p) ? "ICMPv6 'Packet Too Big'" : "ICMP 'fragmentation needed'", ip, ip);
    case FixKind::find_loss:
      return fmt::format("find where packets are lost: mtr -n --report -c 100 {}{}; ip -s link show dev {} (drops on this host)", p.port ? "--tcp -P " + std::to_string(port) + " " : "", ip, dev_of(p));
    case FixKind::local_firewall: {
      bool echo_refused = false, syn_refused = false;
      for (const auto& e : p.echoes) echo_refused |= e.outcome == model::EchoOutcome::send_error;
      for (const auto& t : p.syns) syn_refused |= t.signal == model::TcpSignal::send_failed;
      const bool data_held = p.app_result && p.app_result->request_held_here;  // the handshake passed, the data did not
      const std::string what = echo_refused && syn_refused ? "traffic"
                               : syn_refused             ? fmt::format("TCP port {}", port)
                               : data_held               ? fmt::format("the data to TCP port {} (the handshake passes)", port)
                                                         : std::string("ICMP echo");
      return fmt::format("find the local rule that refuses {} to {}: nft -a list ruleset | grep -n -e {}{} (or iptables-save | grep {}); "
                         "remove or narrow it",
                         what, ip, ip, syn_refused || data_held ? fmt::format(" -e 'dport {}'", port) : "", ip);
    }
    case FixKind::local_input_drop:
      return fmt::format("answers from {} reach {} and are dropped here: find the INPUT rule (nft -a list ruleset | grep -n {}; "
                         "iptables-save | grep {}) and remove or narrow it", ip, f.dev, ip, ip);
    case FixKind::asymmetric_return:
      return fmt::format("answers from {} come back through {}, not the way the probes left: fix the return route (at {} or its "
                         "router), or make reverse-path filtering loose: sysctl -w net.ipv4.conf.{}.rp_filter=2", ip, f.dev, ip, f.dev);
    case FixKind::target_silent:
      return fmt::format("{} is up (it answers {}) but answers nothing else: check its host firewall, and that it routes its replies "
                         "to {} back the way they came", ip, p.target && p.target->addr.is_v6() ? "neighbor discovery" : "ARP", src_of(p));
    case FixKind::private_name:
      if (!p.target || !p.target->was_name)
        return fmt::format("{} is a public address: give --private the service's private (VPC) address", ip);
      return fmt::format("{} resolves to the public address {}: check the private DNS zone and the resolver this host uses "
                         "(getent hosts {}; cat /etc/resolv.conf)", p.input, ip, p.input);
    case FixKind::app_silent:
      return fmt::format("the service on {} accepts connections but does not answer (in time): on the target, ss -ltn 'sport = :{}' (a full Recv-Q: "
                         "it no longer accepts) and the service's log; behind a load balancer or proxy, the health of its backends",
                         where_of(p), port);
    case FixKind::data_dropped:
      return fmt::format("segments with data to {} are dropped after the handshake: look for a rule that matches on length or content "
                         "on the way (nft list ruleset on this host and the router, the security group or network ACL, an IPS), and "
                         "measure the path MTU (vpcprobe ping --df -s 1472 {})", where_of(p), ip);
    case FixKind::app_intermittent:
      return fmt::format("some connections to {} fail and others answer: find the failing backend behind the load balancer or proxy "
                         "(its health checks, its log), or the limit the service reaches (max_connections, a rate limit); repeat: "
                         "vpcprobe diagnose --private {} --app {}", where_of(p), where_of(p), model::app_protocol_name(p.app.protocol));
    case FixKind::app_reset:
    case FixKind::app_closed:
      return fmt::format("the service on {} drops the connections it accepts: check its log, its connection limit and its client "
                         "allow-list (pg_hba.conf, bind-address, protected-mode); on the target: ss -tn state established '( sport = :{} )' | wc -l",
                         where_of(p), port);
    case FixKind::app_wrong_service:
      return fmt::format("another service answers on {}: on the target, ss -ltnp 'sport = :{}' names the process; check the port the "
                         "clients use and what the address points at (a proxy, a load balancer's listener)", where_of(p), port);
    case FixKind::tls_handshake:
      return fmt::format("see what the TLS endpoint offers and why it refuses: {}", s_client_command(p));
    case FixKind::tls_certificate:
      return fmt::format("the certificate does not verify: add its CA to the trust store (update-ca-certificates) or check the name; "
                         "{}", s_client_command(p));
    case FixKind::app_error:
      return fmt::format("the service on {} answers with an error: see its log", where_of(p));
    case FixKind::route_through_vpc:
      return fmt::format("{} leaves through {} instead of the VPC: add the VPC route (ip route add {}/{} via VPC_GATEWAY dev VPC_IF); "
                         "ip route get {} shows the way it takes now", ip, dev_of(p), ip, v6 ? 128 : 32, ip);
  }
  return std::nullopt;
}

}  // namespace vpcprobe::render
