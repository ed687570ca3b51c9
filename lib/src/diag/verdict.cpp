// From two paths' layer results to one verdict: which path, which layer, why, and what fixes it.
#include "vpcprobe/diag/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "vpcprobe/diag/arp_verdict.hpp"

namespace vpcprobe::diag {

using model::Check;
using model::Layer;
using model::LayerResult;
using model::PathResult;
using model::Status;

namespace {

struct PathJudgement {
  Status status = Status::unknown;
  Layer layer = Layer::unknown;
  const LayerResult* failed = nullptr;
  std::vector<const LayerResult*> untested_below;  // not tested, and low enough to be the cause
};

PathJudgement judge_path(const std::vector<LayerResult>& layers) {
  PathJudgement j;
  std::vector<const LayerResult*> untested;
  for (const auto& l : layers) {
    if (l.check == Check::fail) {
      j.failed = &l;
      j.layer = l.layer;
      j.untested_below = untested;
      j.status = untested.empty() ? Status::failing : Status::unknown;
      if (!untested.empty()) j.layer = Layer::unknown;
      return j;
    }
    if (l.check == Check::not_tested) untested.push_back(&l);
  }
  // No failure: healthy only with positive evidence that the service answers.
  auto answered = std::any_of(layers.begin(), layers.end(), [](const LayerResult& l) {
    return (l.layer == Layer::transport || l.layer == Layer::network) && l.check == Check::pass;
  });
  j.status = answered ? Status::ok : Status::unknown;
  j.layer = answered ? Layer::none : Layer::unknown;
  j.untested_below = untested;
  return j;
}

std::string target_words(const PathResult& p) {
  std::string s = p.target ? p.target->addr.to_string() : p.input;
  if (p.port) s += fmt::format(":{}", *p.port);
  if (p.target && p.target->was_name) s = fmt::format("{} ({})", p.input, s);
  return s;
}

std::string dev_of(const PathResult& p) { return p.link ? p.link->name : std::string("DEV"); }

std::optional<std::string> fix_for(const PathResult& p, Layer layer) {
  std::string ip = p.target ? p.target->addr.to_string() : p.input;
  switch (layer) {
    case Layer::dns:
      return fmt::format("check the name and the resolver: getent hosts {}; cat /etc/resolv.conf", p.input);
    case Layer::route:
      if (p.route && p.route->type == model::RouteType::no_route)
        return fmt::format("add a route: ip route add {}/32 via GATEWAY dev {}", ip, dev_of(p));
      return fmt::format("find and delete the {} route that covers {}: ip route show table all | grep -E '^(blackhole|unreachable|prohibit)'",
                         p.route ? model::route_type_name(p.route->type) : "bad", ip);
    case Layer::link:
      if (!p.down_links_for_target.empty()) {
        const auto& link = p.down_links_for_target.front().first;
        return link.admin_up() ? fmt::format("{} has no carrier: check its peer (ip -d link show {})", link.name, link.name)
                               : fmt::format("ip link set dev {} up", link.name);
      }
      if (p.link && !p.link->admin_up()) return fmt::format("ip link set dev {} up", p.link->name);
      return fmt::format("{} has no carrier: check its peer (ip -d link show {})", dev_of(p), dev_of(p));
    case Layer::neighbor: {
      if (!p.next_hop) return std::nullopt;
      if (p.arp) {
        auto macs = p.arp->answering_macs();
        if (macs.size() == 1 && p.neigh_before && p.neigh_before->mac && *p.neigh_before->mac != macs.front()) {
          return fmt::format("{}   (or: {})", neigh_replace_command(*p.next_hop, macs.front(), dev_of(p)),
                             neigh_delete_command(*p.next_hop, dev_of(p)));
        }
        if (macs.size() > 1) return fmt::format("find the host that should not hold {} (arping -I {} {})", p.next_hop->to_string(), dev_of(p), p.next_hop->to_string());
      }
      return fmt::format("check that {} is up and on the same segment as {}", p.next_hop->to_string(), dev_of(p));
    }
    case Layer::network:
      if (p.echo && p.echo->error)
        return fmt::format("{} refuses to forward to {} ({}): check its routes and security rules", p.echo->error->from.to_string(), ip, p.echo->error->meaning);
      return fmt::format("check that {} is up and that ICMP and TCP to it are allowed", ip);
    case Layer::transport:
      if (!p.tcp) return std::nullopt;
      switch (p.tcp->state) {
        case model::TcpState::closed:
          return fmt::format("start the service, or make it listen on {} port {} (ss -ltn on the host)", ip, p.port.value_or(0));
        case model::TcpState::rejected:
          return fmt::format("a firewall at {} rejects TCP port {}: check its rules (security group / network ACL / nft list ruleset)",
                             p.tcp->error ? p.tcp->error->from.to_string() : ip, p.port.value_or(0));
        default:
          return fmt::format("something drops TCP port {} to {} silently: check the security group / network ACL / host firewall",
                             p.port.value_or(0), ip);
      }
    case Layer::mtu: {
      std::uint32_t largest = 0;
      for (auto& m : p.mtu_probes)
        if (m.answered) largest = std::max(largest, m.size);
      if (largest == 0)
        return fmt::format("let ICMP 'fragmentation needed' through on the path to {}, and find the largest size that passes "
                           "(vpcprobe ping --df -s SIZE {})", ip, ip);
      return fmt::format("ip link set dev {} mtu {} (or let ICMP 'fragmentation needed' through on the path)", dev_of(p), largest);
    }
    default: return std::nullopt;
  }
}

std::string healthy_words(const PathResult& p, const std::vector<LayerResult>& layers) {
  for (auto l : {Layer::transport, Layer::network})
    for (const auto& r : layers)
      if (r.layer == l && r.check == Check::pass) return fmt::format("The {} path to {} works ({}).", p.role, target_words(p), r.summary);
  return fmt::format("The {} path to {} works.", p.role, target_words(p));
}

std::string failure_sentence(const PathResult& p, const PathJudgement& j) {
  std::string s = fmt::format("The {} path to {} fails at the {} layer", p.role, target_words(p), model::layer_name(j.layer));
  if (j.failed && !j.failed->evidence.empty()) return s + ": " + j.failed->evidence.front();
  if (j.failed) return s + ": " + j.failed->summary + ".";
  return s + ".";
}

std::string unknown_sentence(const PathResult& p, const PathJudgement& j) {
  std::vector<std::string> names;
  for (auto* l : j.untested_below) names.push_back(model::layer_name(l->layer));
  std::string list;
  for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
  if (j.failed)
    return fmt::format("The {} path to {} fails at the {} layer, but the {} layer could not be tested and could be the cause.",
                       p.role, target_words(p), model::layer_name(j.failed->layer), list);
  if (list.empty())
    return fmt::format("The {} path to {} could not be shown to work: nothing answered and nothing failed.", p.role, target_words(p));
  return fmt::format("The {} path to {} could not be shown to work: the {} layer{} could not be tested.", p.role,
                     target_words(p), list, names.size() == 1 ? "" : "s");
}

void add_evidence(model::Verdict& v, const PathResult& p, const PathJudgement& j,
                  const std::vector<LayerResult>* layers = nullptr) {
  if (j.failed)
    for (auto& e : j.failed->evidence) v.evidence.push_back(fmt::format("{}: {}", p.role, e));
  if (layers)
    for (const auto& l : *layers)
      if (l.check == Check::warn)
        for (auto& e : l.evidence) v.evidence.push_back(fmt::format("{} (warning): {}", p.role, e));
  for (auto* l : j.untested_below)
    for (auto& e : l->evidence) v.evidence.push_back(fmt::format("{} (not tested): {}", p.role, e));
}

}  // namespace

model::Verdict decide(const PathResult& priv, const std::vector<LayerResult>& priv_layers, const PathResult* pub,
                      const std::vector<LayerResult>* pub_layers) {
  model::Verdict v;
  auto pj = judge_path(priv_layers);
  std::optional<PathJudgement> uj;
  if (pub && pub_layers) uj = judge_path(*pub_layers);

  bool priv_bad = pj.status == Status::failing;
  bool pub_bad = uj && (uj->status == Status::failing || (uj->status == Status::unknown && uj->failed));
  bool priv_ok = pj.status == Status::ok;
  bool pub_ok = !uj || uj->status == Status::ok;

  // A failing private path is an outage whatever the public path shows; an inconclusive private
  // path is unknown; a public path that fails for an unknown reason still degrades the service.
  if (pj.status == Status::unknown) {
    v.status = Status::unknown;
    v.layer = Layer::unknown;
    v.path = priv.role;
    v.summary = unknown_sentence(priv, pj);
    add_evidence(v, priv, pj);
    return v;
  }
  if (priv_ok && uj && uj->status == Status::unknown) {
    // The public path is only the baseline: when it cannot be shown to work but did not fail
    // either, the verdict stands on the private path, with the gap said out loud.
    v.status = uj->failed ? Status::degraded : Status::ok;
    v.layer = uj->failed ? Layer::unknown : Layer::none;
    v.path = uj->failed ? pub->role : "none";
    v.summary = fmt::format("{} {}", healthy_words(priv, priv_layers), unknown_sentence(*pub, *uj));
    add_evidence(v, *pub, *uj);
    return v;
  }
  if (priv_ok && pub_ok) {
    v.status = Status::ok;
    v.layer = Layer::none;
    v.path = "none";
    v.summary = healthy_words(priv, priv_layers);
    if (pub) v.summary = fmt::format("{} {}", v.summary, healthy_words(*pub, *pub_layers));
    for (const auto* layers : {&priv_layers, pub_layers})
      if (layers)
        for (const auto& l : *layers)
          if (l.check == Check::warn)
            for (auto& e : l.evidence) v.evidence.push_back(e);
    return v;
  }
  if (priv_bad && pub_bad) {
    v.status = Status::failing;
    v.path = "both";
    v.layer = pj.layer;
    v.summary = fmt::format("{} {}", failure_sentence(priv, pj),
                            uj->status == Status::unknown ? unknown_sentence(*pub, *uj) : failure_sentence(*pub, *uj));
    add_evidence(v, priv, pj, &priv_layers);
    add_evidence(v, *pub, *uj, pub_layers);
    v.fix = fix_for(priv, pj.layer);
    return v;
  }
  // Exactly one path fails. The private path is the one the application uses: its failure is an
  // outage; a broken public path next to a working private one is a degradation.
  const bool private_fails = priv_bad;
  const PathResult& bad = private_fails ? priv : *pub;
  const PathJudgement& bj = private_fails ? pj : *uj;
  v.status = private_fails ? Status::failing : Status::degraded;
  v.path = bad.role;
  v.layer = bj.layer;
  v.summary = failure_sentence(bad, bj);
  if (private_fails && pub) v.summary = fmt::format("{} {}", v.summary, healthy_words(*pub, *pub_layers));
  if (!private_fails) v.summary = fmt::format("{} {}", v.summary, healthy_words(priv, priv_layers));
  add_evidence(v, bad, bj, private_fails ? &priv_layers : pub_layers);
  v.fix = fix_for(bad, bj.layer);
  return v;
}

void judge(model::Diagnosis& d) {
  d.private_layers = evaluate_path(d.private_path);
  if (d.public_path) d.public_layers = evaluate_path(*d.public_path);
  d.verdict = decide(d.private_path, d.private_layers, d.public_path ? &*d.public_path : nullptr,
                     d.public_path ? &d.public_layers : nullptr);
}

}  // namespace vpcprobe::diag
