#include "vpcprobe/diag/arp_verdict.hpp"

#include <fmt/format.h>

namespace vpcprobe::diag {

using model::ArpFinding;
using model::Status;

std::string neigh_replace_command(const wire::Ipv4& ip, const wire::Mac& mac, const std::string& dev) {
  return fmt::format("ip neigh replace {} lladdr {} dev {} nud reachable", ip.to_string(), mac.to_string(), dev);
}

std::string neigh_delete_command(const wire::Ipv4& ip, const std::string& dev) {
  return fmt::format("ip neigh del {} dev {}", ip.to_string(), dev);
}

std::string likely_owner(const model::NeighEntry& e) {
  if (e.is_extern_learn() || e.is_managed())
    return "an external agent such as the CNI (Cilium installs managed extern_learn entries)";
  if (e.is_permanent()) return "an administrator, a script or a CNI (PERMANENT entries are set by hand)";
  return "the kernel";
}

namespace {

std::string describe_state(const model::NeighEntry& e) {
  std::string s = model::neigh_state_name(e.state);
  for (auto& f : model::neigh_flag_names(e)) s += " " + f;
  return s;
}

std::string describe_entry(const model::NeighEntry& e) {
  return (e.mac ? e.mac->to_string() : std::string("no MAC")) + " " + describe_state(e);
}

std::string join_macs(const std::vector<wire::Mac>& macs) {
  std::string s;
  for (auto& m : macs) {
    if (!s.empty()) s += ", ";
    s += m.to_string();
  }
  return s;
}

}  // namespace

model::ArpVerdict arp_verdict(const model::ArpReport& r) {
  model::ArpVerdict v;
  const auto& probe = r.probe;
  auto macs = probe.answering_macs();
  std::optional<wire::Mac> cached;
  if (r.before && r.before->mac && !r.before->mac->is_zero()) cached = r.before->mac;
  v.kernel_heals = !r.before || r.before->kernel_heals();
  const std::string ip = r.target.to_string();

  if (macs.size() >= 2) {
    v.status = Status::failing;
    v.finding = ArpFinding::conflict;
    v.headline = "IP ADDRESS CONFLICT";
    v.details.push_back(fmt::format("{} is answered by {} different MACs: {}.", ip, macs.size(), join_macs(macs)));
    if (cached)
      v.details.push_back(fmt::format("The kernel cache holds {}; traffic may go to either host.", describe_entry(*r.before)));
    v.details.push_back("Find the host that should not hold this address and remove it there.");
    return v;
  }

  if (macs.empty()) {
    v.status = Status::failing;
    v.finding = ArpFinding::silent;
    v.headline = "NO ARP REPLY";
    v.details.push_back(fmt::format("Nobody answered who-has {} on {} ({} broadcast{} requests).", ip, r.interface,
                                    probe.broadcast_sent,
                                    probe.unicast_sent ? fmt::format(" and {} unicast", probe.unicast_sent) : ""));
    if (r.before)
      v.details.push_back(fmt::format("The kernel cache still holds {}.", describe_entry(*r.before)));
    if (r.route_gateway)
      v.details.push_back(fmt::format("{} is not on-link: the kernel routes it via {}; ARP only reaches hosts on "
                                      "the same segment.", ip, r.route_gateway->to_string()));
    else
      v.details.push_back("The host is down, its address moved, or ARP is filtered on the segment.");
    return v;
  }

  const wire::Mac answering = macs.front();
  if (cached && *cached != answering) {
    v.status = Status::failing;
    v.finding = ArpFinding::stale_entry;
    v.headline = "STALE NEIGHBOR ENTRY";
    v.details.push_back(fmt::format("The kernel sends {} traffic to {} ({}), but {} now answers from {}.", ip,
                                    cached->to_string(), describe_state(*r.before), ip, answering.to_string()));
    bool cached_answered = probe.mac_answered(*cached);
    if (probe.unicast_sent > 0 && !cached_answered)
      v.details.push_back(fmt::format("{} stayed silent to {} unicast request{}.", cached->to_string(),
                                      probe.unicast_sent, probe.unicast_sent == 1 ? "" : "s"));
    if (v.kernel_heals) {
      v.details.push_back("The kernel will re-resolve this entry by itself once it goes stale.");
    } else {
      v.details.push_back(fmt::format(
          "The kernel will not heal this entry by itself: it is {}{}; it was likely installed by {}.",
          r.before->is_permanent() ? "PERMANENT" : model::neigh_state_name(r.before->state),
          r.before->is_extern_learn() ? " and externally learned (extern_learn)" : "", likely_owner(*r.before)));
      if (r.before->is_extern_learn() || r.before->is_managed())
        v.details.push_back("Its owner may put the old MAC back: resync or restart that agent too.");
    }
    if (r.after && r.after->mac && *r.after->mac != *cached)
      v.details.push_back(fmt::format(
          "During the probe the kernel's entry changed to {} ({}): the answer to our own request re-taught it. "
          "Whatever installed {} may install it again.",
          r.after->mac->to_string(), describe_state(*r.after), cached->to_string()));
    v.fix = fmt::format("{}   (or: {})", neigh_replace_command(r.target, answering, r.interface),
                        neigh_delete_command(r.target, r.interface));
    return v;
  }

  v.status = Status::ok;
  v.finding = ArpFinding::consistent;
  v.headline = "CONSISTENT";
  if (cached)
    v.details.push_back(fmt::format("The cached MAC {} answers for {}.", cached->to_string(), ip));
  else if (r.before)
    v.details.push_back(fmt::format("{} answers from {}; the kernel entry was {} without a usable MAC.", ip,
                                    answering.to_string(), model::neigh_state_name(r.before->state)));
  else
    v.details.push_back(fmt::format("{} answers from {}; the kernel had no entry for it.", ip, answering.to_string()));
  int lost = probe.rounds - probe.answered_rounds();
  if (lost > 0) v.details.push_back(fmt::format("{} of {} rounds got no answer.", lost, probe.rounds));
  return v;
}

}  // namespace vpcprobe::diag
