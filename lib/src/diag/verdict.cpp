// From two paths' layer results to one verdict: which path, which layer, which rule, and what fixes it.
#include "vpcprobe/diag/verdict.hpp"

#include <algorithm>

#include "vpcprobe/diag/neighbor.hpp"

namespace vpcprobe::diag {

using model::Check;
using model::Conclusion;
using model::FixKind;
using model::Layer;
using model::LayerResult;
using model::Path;
using model::PathJudgement;
using model::PathResult;
using model::Status;

namespace {

std::string dev_of(const PathResult& p) { return p.link ? p.link->name : std::string("DEV"); }

const LayerResult* layer_result(const std::vector<LayerResult>& layers, Layer l) {
  for (const auto& r : layers)
    if (r.layer == l) return &r;
  return nullptr;
}

std::optional<model::Fix> fix_for(const PathResult& p, const std::vector<LayerResult>& layers, const PathJudgement& j) {
  const Layer layer = j.layer;
  const LayerResult* lr = layer_result(layers, layer);
  const model::Finding finding = lr ? lr->finding : model::Finding::not_run;
  model::Fix f;
  f.path = p.role;
  f.dev = dev_of(p);
  if (p.target) f.addr = p.target->addr;
  using model::Finding;
  switch (finding) {  // findings with a repair of their own, whatever their layer
    case Finding::echo_loss:
    case Finding::tcp_loss:
    case Finding::echo_lost_in_loss:
    case Finding::tcp_lost_in_loss: f.kind = FixKind::find_loss; return f;
    case Finding::echo_local_drop:
    case Finding::tcp_local_drop: f.kind = FixKind::local_firewall; return f;
    case Finding::echo_dropped_here:
    case Finding::tcp_dropped_here: {
      const auto& w = p.witness;
      f.kind = w && w->return_refused() ? FixKind::asymmetric_return : FixKind::local_input_drop;
      if (w && !w->in_interface.empty()) f.dev = w->in_interface;
      return f;
    }
    case Finding::echo_silent_arp_ok: f.kind = FixKind::target_silent; return f;
    case Finding::dns_public_address: f.kind = FixKind::private_name; return f;
    case Finding::route_via_default:
    case Finding::route_public_side: f.kind = FixKind::route_through_vpc; return f;
    default: break;
  }
  switch (layer) {
    case Layer::dns: f.kind = FixKind::dns_check; return f;
    case Layer::route:
      f.kind = p.route && p.route->type == model::RouteType::no_route ? FixKind::route_add : FixKind::route_delete;
      return f;
    case Layer::link:
      if (!p.down_links_for_target.empty()) {
        const auto& link = p.down_links_for_target.front().first;
        f.dev = link.name;
        f.kind = link.admin_up() ? FixKind::link_carrier : FixKind::link_up;
        return f;
      }
      f.kind = p.link && !p.link->admin_up() ? FixKind::link_up : FixKind::link_carrier;
      return f;
    case Layer::neighbor: {
      if (!p.next_hop) return std::nullopt;
      f.addr = p.next_hop;
      f.kind = FixKind::neigh_unreachable;
      if (p.arp) {
        auto macs = p.arp->answering_macs();
        if (macs.size() == 1 && p.neigh_before && p.neigh_before->mac && *p.neigh_before->mac != macs.front()) {
          f.kind = FixKind::neigh_replace;
          f.mac = macs.front();
        } else if (macs.size() > 1) {
          f.kind = FixKind::neigh_conflict;
        }
      }
      return f;
    }
    case Layer::network:
      for (const auto& e : p.echoes)
        if (e.error) {
          f.kind = FixKind::router_refuses;
          f.addr = e.error->from;
          return f;
        }
      f.kind = FixKind::target_unreachable;
      return f;
    case Layer::transport: {
      if (p.syns.empty()) return std::nullopt;
      switch (finding) {
        case Finding::tcp_closed: f.kind = FixKind::service_closed; return f;
        case Finding::tcp_rejected:
          f.kind = FixKind::firewall_rejects;
          for (const auto& t : p.syns)
            if (t.error) f.addr = t.error->from;
          return f;
        default: f.kind = FixKind::silent_drop; return f;
      }
    }
    case Layer::application:
      switch (finding) {
        case Finding::app_silent:
        case Finding::app_incomplete:
        case Finding::app_connect_failed: f.kind = FixKind::app_silent; return f;
        case Finding::app_request_lost:
          f.kind = p.app_result && p.app_result->request_held_here ? FixKind::local_firewall : FixKind::data_dropped;
          return f;
        case Finding::app_intermittent: f.kind = FixKind::app_intermittent; return f;
        case Finding::app_reset: f.kind = FixKind::app_reset; return f;
        case Finding::app_closed: f.kind = FixKind::app_closed; return f;
        case Finding::app_other_protocol: f.kind = FixKind::app_wrong_service; return f;
        case Finding::app_handshake_failed: f.kind = FixKind::tls_handshake; return f;
        case Finding::app_cert_unverified: f.kind = FixKind::tls_certificate; return f;
        case Finding::app_error_reply: f.kind = FixKind::app_error; return f;
        default: return std::nullopt;
      }
    case Layer::mtu: {
      std::uint32_t largest = 0;
      for (const auto& m : p.mtu_probes)
        if (m.answered) largest = std::max(largest, m.size);
      f.kind = largest == 0 ? FixKind::mtu_let_icmp_through : FixKind::mtu_lower;
      f.size = largest;
      return f;
    }
    default: return std::nullopt;
  }
}

// A public path that fails, or fails to be explained because something below could not be tested.
bool failed_or_unexplained(const PathJudgement& j) {
  return j.status == Status::failing || (j.status == Status::unknown && j.failed);
}

}  // namespace

PathJudgement judge_path(const std::vector<LayerResult>& layers) {
  PathJudgement j;
  std::vector<Layer> untested;
  std::optional<Layer> wrong_way;
  for (const auto& l : layers) {
    if (l.check == Check::fail) {
      // An application that answered wrongly (reset, closed, another protocol, a failed handshake)
      // was reached: packets of every size it needed passed, so an untested MTU cannot explain it.
      // Silence can be a path that drops big segments.
      if (l.layer == Layer::application && l.finding != model::Finding::app_silent && l.finding != model::Finding::app_incomplete &&
          l.finding != model::Finding::app_request_lost)
        std::erase(untested, Layer::mtu);
      j.failed = l.layer;
      j.untested_below = untested;
      j.status = untested.empty() ? Status::failing : Status::unknown;
      j.layer = untested.empty() ? l.layer : Layer::unknown;
      // A path that leaves the wrong way (a private address by the default route, a private name
      // that is public) and then fails: the way is the cause, the failure above its symptom.
      if (j.status == Status::failing && wrong_way) {
        j.layer = *wrong_way;
        j.wrong_way_failed = true;
      }
      return j;
    }
    if (l.check == Check::not_tested) untested.push_back(l.layer);
    if (l.check == Check::degraded) {
      if (!j.degraded) j.degraded = l.layer;
      if (!wrong_way && (l.finding == model::Finding::route_via_default || l.finding == model::Finding::route_public_side ||
                         l.finding == model::Finding::dns_public_address))
        wrong_way = l.layer;
    }
  }
  // No failure: healthy only with positive evidence that the service answers.
  const bool answered = std::any_of(layers.begin(), layers.end(), [](const LayerResult& l) {
    return (l.layer == Layer::transport || l.layer == Layer::network) && (l.check == Check::pass || l.check == Check::degraded);
  });
  j.untested_below = untested;
  if (!answered) {
    j.status = Status::unknown;
    j.layer = Layer::unknown;
  } else if (j.degraded) {
    j.status = Status::degraded;
    j.layer = *j.degraded;
  } else {
    j.status = Status::ok;
    j.layer = Layer::none;
  }
  return j;
}

model::Verdict decide(const PathResult& priv, const std::vector<LayerResult>& priv_layers, const PathResult* pub,
                      const std::vector<LayerResult>* pub_layers) {
  model::Verdict v;
  v.private_judgement = judge_path(priv_layers);
  if (pub && pub_layers) v.public_judgement = judge_path(*pub_layers);
  const auto& pj = v.private_judgement;
  const auto& uj = v.public_judgement;

  const bool priv_bad = pj.status == Status::failing;
  const bool pub_bad = uj && failed_or_unexplained(*uj);
  const bool priv_ok = pj.status == Status::ok;
  const bool pub_ok = !uj || uj->status == Status::ok;

  // A failing private path is an outage whatever the public path shows; an inconclusive private
  // path is unknown; a public path that fails for an unknown reason still degrades the service.
  if (pj.status == Status::unknown) {
    v.status = Status::unknown;
    v.layer = Layer::unknown;
    v.path = priv.role;
    v.conclusion = Conclusion::private_inconclusive;
    return v;
  }
  if (priv_ok && uj && uj->status == Status::unknown) {
    // The public path is only the baseline: when it cannot be shown to work but did not fail
    // either, the verdict stands on the private path, with the gap said out loud.
    v.status = uj->failed ? Status::degraded : Status::ok;
    v.layer = uj->failed ? Layer::unknown : Layer::none;
    v.path = uj->failed ? pub->role : Path::none;
    v.conclusion = Conclusion::public_unverified;
    return v;
  }
  if (priv_ok && pub_ok) {
    v.status = Status::ok;
    v.layer = Layer::none;
    v.path = Path::none;
    v.conclusion = Conclusion::healthy;
    return v;
  }
  if (priv_bad && pub_bad) {
    v.status = Status::failing;
    v.path = Path::both;
    v.layer = pj.layer;
    v.conclusion = Conclusion::both_fail;
    v.fix = fix_for(priv, priv_layers, pj);
    return v;
  }
  if (priv_bad) {
    // The private path is the one the application uses: its failure is an outage.
    v.status = Status::failing;
    v.path = priv.role;
    v.layer = pj.layer;
    v.conclusion = Conclusion::private_fails;
    v.fix = fix_for(priv, priv_layers, pj);
    return v;
  }
  // The private path works. Loss, or a way that is not the private one, on either path: it works,
  // but not as it should.
  const bool pub_degraded = uj && uj->status == Status::degraded;
  if (pj.status == Status::degraded || (pub_degraded && !pub_bad)) {
    const bool private_side = pj.status == Status::degraded;
    v.status = Status::degraded;
    v.path = private_side ? (pub_bad || pub_degraded ? Path::both : priv.role) : pub->role;
    v.layer = private_side ? pj.layer : uj->layer;
    v.conclusion = Conclusion::degraded;
    v.fix = private_side ? fix_for(priv, priv_layers, pj) : fix_for(*pub, *pub_layers, *uj);
    return v;
  }
  // Only the public path fails: a broken baseline next to a working private path degrades.
  v.status = Status::degraded;
  v.path = pub->role;
  v.layer = uj->layer;
  v.conclusion = Conclusion::public_fails;
  v.fix = fix_for(*pub, *pub_layers, *uj);
  return v;
}

void judge(model::Diagnosis& d) {
  d.private_layers = evaluate_path(d.private_path, d.public_path ? &*d.public_path : nullptr);
  if (d.public_path) d.public_layers = evaluate_path(*d.public_path, &d.private_path);
  const bool cut_short = d.verdict.cut_short;
  d.verdict = decide(d.private_path, d.private_layers, d.public_path ? &*d.public_path : nullptr,
                     d.public_path ? &d.public_layers : nullptr);
  d.verdict.cut_short = cut_short;
}

}  // namespace vpcprobe::diag
