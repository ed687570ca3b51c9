#include "arp_words.hpp"

#include <fmt/format.h>

#include "vpcprobe/render/words.hpp"

namespace vpcprobe::render::detail {

using model::NeighFinding;

namespace {
std::string join_macs(const std::vector<wire::Mac>& macs) {
  std::string s;
  for (const auto& m : macs) s += (s.empty() ? "" : ", ") + m.to_string();
  return s;
}
}  // namespace

std::string arp_headline(const model::ArpVerdict& v, bool ndp) {
  switch (v.finding) {
    case NeighFinding::conflict: return "IP ADDRESS CONFLICT";
    case NeighFinding::silent: return ndp ? "NO NEIGHBOR ADVERTISEMENT" : "NO ARP REPLY";
    case NeighFinding::stale: return "STALE NEIGHBOR ENTRY";
    case NeighFinding::consistent: return "CONSISTENT";
  }
  return "";
}

std::vector<std::string> arp_details(const ArpFacts& f, const model::ArpVerdict& v) {
  std::vector<std::string> d;
  const std::string ip = f.ip.to_string();
  const auto& probe = f.probe;
  const bool ndp = f.ip.is_v6();
  switch (v.finding) {
    case NeighFinding::conflict: {
      auto macs = probe.answering_macs();
      d.push_back(fmt::format("{} is answered by {} different MACs: {}.", ip, macs.size(), join_macs(macs)));
      if (v.cached) d.push_back(fmt::format("The kernel cache holds {}; traffic may go to either host.", entry_words(*f.before)));
      d.push_back("Find the host that should not hold this address and remove it there.");
      break;
    }
    case NeighFinding::silent:
      if (ndp)
        d.push_back(fmt::format("Nobody answered the Neighbor Solicitations for {} on {} ({} multicast{}).", ip, f.interface,
                                probe.broadcast_sent, probe.unicast_sent ? fmt::format(" and {} unicast", probe.unicast_sent) : ""));
      else
        d.push_back(fmt::format("Nobody answered who-has {} on {} ({} broadcast{} requests).", ip, f.interface, probe.broadcast_sent,
                                probe.unicast_sent ? fmt::format(" and {} unicast", probe.unicast_sent) : ""));
      if (f.before) d.push_back(fmt::format("The kernel cache still holds {}.", entry_words(*f.before)));
      if (f.route_gateway)
        d.push_back(fmt::format("{} is not on-link: the kernel routes it via {}; {} only reaches hosts on the same segment.", ip,
                                f.route_gateway->to_string(), ndp ? "neighbor discovery" : "ARP"));
      else
        d.push_back(ndp ? "The host is down, its address moved, or ICMPv6 neighbor discovery is filtered (on the segment or by its firewall)."
                        : "The host is down, its address moved, or ARP is filtered on the segment.");
      break;
    case NeighFinding::stale: {
      const auto& before = *f.before;
      d.push_back(fmt::format("The kernel sends {} traffic to {} ({}), but {} now answers from {}.", ip, v.cached->to_string(),
                              state_words(before), ip, v.answering->to_string()));
      if (v.cached_silent)
        d.push_back(fmt::format("{} stayed silent to {} unicast {}{}.", v.cached->to_string(), probe.unicast_sent,
                                ndp ? "solicitation" : "request", probe.unicast_sent == 1 ? "" : "s"));
      if (v.kernel_heals) {
        d.push_back("The kernel will re-resolve this entry by itself once it goes stale.");
      } else {
        d.push_back(fmt::format("The kernel will not heal this entry by itself: it is {}{}; it was likely installed by {}.",
                                before.is_permanent() ? "PERMANENT" : model::neigh_state_name(before.state),
                                before.is_extern_learn() ? " and externally learned (extern_learn)" : "", owner_words(v.owner)));
        if (before.is_extern_learn() || before.is_managed())
          d.push_back("Its owner may put the old MAC back: resync or restart that agent too.");
      }
      if (v.relearned)
        d.push_back(fmt::format(
            "During the probe the kernel's entry changed to {} ({}): the answer to our own request re-taught it. "
            "Whatever installed {} may install it again.",
            f.after->mac->to_string(), state_words(*f.after), v.cached->to_string()));
      break;
    }
    case NeighFinding::consistent: {
      const auto answering = v.answering.value_or(wire::Mac{});
      if (v.cached) d.push_back(fmt::format("The cached MAC {} answers for {}.", v.cached->to_string(), ip));
      else if (f.before)
        d.push_back(fmt::format("{} answers from {}; the kernel entry was {} without a usable MAC.", ip, answering.to_string(),
                                model::neigh_state_name(f.before->state)));
      else
        d.push_back(fmt::format("{} answers from {}; the kernel had no entry for it.", ip, answering.to_string()));
      const int lost = probe.rounds - probe.answered_rounds();
      if (lost > 0) d.push_back(fmt::format("{} of {} rounds got no answer.", lost, probe.rounds));
      if (probe.listened_after_answer_ms > 0)
        d.push_back(fmt::format("No second MAC answered in the {:.1f} ms listened after that (an IP conflict shows as two).",
                                probe.listened_after_answer_ms));
      break;
    }
  }
  // NDP: the Router flag of the answer against what the kernel believes (RFC 4861 7.2.5: an
  // advertisement that clears it takes the neighbor off the default router list).
  if (ndp && f.before && v.finding != NeighFinding::silent) {
    const bool cached_router = (f.before->flags & model::ntf::router) != 0;
    for (const auto& rep : probe.replies) {
      if (!rep.ndp || rep.ndp->router == cached_router) continue;
      d.push_back(cached_router ? fmt::format("Router flag mismatch: the kernel marks {} as a router, but {} answers without the R flag: "
                                              "it no longer routes (its forwarding is off), and the kernel stops using it as a gateway.",
                                              ip, rep.mac.to_string())
                                : fmt::format("Router flag mismatch: {} answers as a router (R flag) from {}, but the kernel's entry is "
                                              "not marked as one.", ip, rep.mac.to_string()));
      break;
    }
  }
  return d;
}

std::optional<std::string> arp_fix(const ArpFacts& f, const model::ArpVerdict& v) {
  if (v.finding != NeighFinding::stale || !v.answering) return std::nullopt;
  return fmt::format("{}   (or: {})", neigh_replace_command(f.ip, *v.answering, f.interface),
                     neigh_delete_command(f.ip, f.interface));
}

}  // namespace vpcprobe::render::detail
