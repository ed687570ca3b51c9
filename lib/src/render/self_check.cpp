#include "vpcprobe/render/self_check.hpp"

#include <fmt/format.h>

#include "json_util.hpp"

namespace vpcprobe::render {

namespace {

using model::Area;
using model::Method;

const char* area_words(Area a) {
  switch (a) {
    case Area::neighbor: return "neighbor (ARP)";
    case Area::network: return "network (ICMP echo)";
    case Area::transport: return "transport (TCP)";
    case Area::application: return "application";
    case Area::repair: return "neighbor repair";
    case Area::evidence: return "evidence (--pcap)";
    case Area::kernel_view: return "dns, route, link";
    case Area::neighbor_v6: return "neighbor (NDP)";
    case Area::network_v6: return "network (ICMPv6 echo)";
    case Area::transport_v6: return "transport (TCP, IPv6)";
  }
  return "";
}

const char* used_by(Area a) {
  switch (a) {
    case Area::neighbor: return "arp, neigh --verify, diagnose: neighbor layer";
    case Area::network: return "ping, diagnose: network and mtu layers";
    case Area::transport: return "tcp, diagnose: transport layer";
    case Area::application: return "diagnose, check: application layer";
    case Area::repair: return "neigh --fix";
    case Area::evidence: return "--pcap on every probing command";
    case Area::kernel_view: return "every command";
    case Area::neighbor_v6: return "arp, neigh --verify, diagnose: neighbor layer, for IPv6";
    case Area::network_v6: return "ping, diagnose: network and mtu layers, for IPv6";
    case Area::transport_v6: return "tcp, diagnose: transport layer, for IPv6";
  }
  return "";
}

std::string how_to_get(const std::string& cap) {
  return fmt::format("run as root, grant it with `setcap {}+ep $(command -v vpcprobe)`, or in Kubernetes use "
                     "`kubectl debug node/NAME --profile=netadmin`",
                     cap == "CAP_NET_ADMIN" ? "cap_net_admin" : "cap_net_raw");
}

std::string why_not(const model::ProcessPrivileges& p, const model::Missing& m) {
  if (!m.library.empty()) return m.library;
  std::string s = fmt::format("needs {} (not in CapEff={})", m.capability, p.cap_eff);
  if (!m.in_bounding_set)
    s += fmt::format("; it is not even in the bounding set (CapBnd={}): the container or service manager took it away", p.cap_bnd);
  else if (m.no_new_privs) s += "; NoNewPrivs=1, so file capabilities on the binary cannot grant it";
  else s += "; " + how_to_get(m.capability);
  return s;
}

std::string how(const model::ProcessPrivileges& p, const model::CapabilityLine& l) {
  switch (l.area) {
    case Area::neighbor:
    case Area::neighbor_v6: return l.full ? "packet socket (raw Ethernet)" : why_not(p, *l.missing);
    case Area::network:
    case Area::network_v6:
      if (l.method == Method::raw_icmp) return l.area == Area::network_v6 ? "raw ICMPv6 socket (ICMP6_FILTER)" : "raw ICMP socket";
      if (l.method == Method::ping_socket)
        return fmt::format("unprivileged ping socket (gid {} is inside ping_group_range '{}')", p.gid, p.ping_group_range);
      return fmt::format("{}; and gid {} is outside ping_group_range '{}'", why_not(p, *l.missing), p.gid, p.ping_group_range);
    case Area::transport:
    case Area::transport_v6:
      if (!l.available) return why_not(p, *l.missing);
      if (l.full) return "raw SYN (half-open, ICMP rejections decoded)";
      return "connect() fallback (open/closed/filtered; ICMP codes from the error queue); raw SYN " + why_not(p, *l.missing);
    case Area::application:
      if (l.full) return "a normal connection (no privilege needed); OpenSSL for TLS";
      return "a normal connection (no privilege needed); no TLS: " + why_not(p, *l.missing);
    case Area::repair: return l.full ? "CAP_NET_ADMIN held" : why_not(p, *l.missing);
    case Area::evidence: return l.full ? "libpcap capture on any interface" : why_not(p, *l.missing);
    case Area::kernel_view: return "resolver and rtnetlink reads need no privilege";
  }
  return "";
}

}  // namespace

std::string self_check_text(const model::SelfCheckReport& r) {
  const auto& p = r.process;
  std::string out = fmt::format("process: uid {} euid {} gid {}, CapEff={} CapPrm={} CapBnd={} NoNewPrivs={}, ping_group_range '{}'\n",
                                p.uid, p.euid, p.gid, p.cap_eff, p.cap_prm, p.cap_bnd, p.no_new_privs ? 1 : 0, p.ping_group_range);
  for (const auto& l : r.lines)
    out += fmt::format("{:<22} {:<14} {}  [{}]\n", area_words(l.area), l.full ? "full" : l.available ? "fallback" : "NOT AVAILABLE",
                       how(p, l), used_by(l.area));
  return out;
}

std::string self_check_json(const model::SelfCheckReport& r) {
  using nlohmann::json;
  const auto& p = r.process;
  json j;
  j["schema"] = "vpcprobe.self-check/1";
  j["process"] = {{"uid", p.uid}, {"euid", p.euid}, {"gid", p.gid}, {"cap_eff", p.cap_eff}, {"cap_prm", p.cap_prm},
                  {"cap_bnd", p.cap_bnd}, {"no_new_privs", p.no_new_privs}, {"ping_group_range", p.ping_group_range}};
  j["layers"] = json::array();
  for (const auto& l : r.lines)
    j["layers"].push_back({{"area", area_words(l.area)}, {"used_by", used_by(l.area)}, {"full", l.full}, {"available", l.available},
                           {"how", how(p, l)}});
  j["status"] = r.all_full() ? "ok" : "degraded";
  return detail::dump(j);
}

namespace {
struct SelfCheckText final : Renderer<model::SelfCheckReport> {
  std::string report(const model::SelfCheckReport& r) const override { return self_check_text(r); }
};
struct SelfCheckJson final : Renderer<model::SelfCheckReport> {
  std::string report(const model::SelfCheckReport& r) const override { return self_check_json(r); }
};
}  // namespace

template <>
Result<RendererPtr<model::SelfCheckReport>> make_renderer<model::SelfCheckReport>(Format f, const Style&) {
  if (f == Format::text) return std::make_unique<SelfCheckText>();
  if (f == Format::json) return std::make_unique<SelfCheckJson>();
  return fail(Errc::invalid_argument, fmt::format("self-check has no {} output", format_name(f)));
}

}  // namespace vpcprobe::render
