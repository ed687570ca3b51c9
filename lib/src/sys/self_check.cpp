#include "vpcprobe/sys/self_check.hpp"

#include <pcap/pcap.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::sys {

ProcessPrivileges read_privileges() {
  ProcessPrivileges p;
  p.uid = getuid();
  p.euid = geteuid();
  p.gid = getgid();
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key, value;
    ls >> key >> value;
    if (key == "CapEff:") p.cap_eff = value;
    else if (key == "CapPrm:") p.cap_prm = value;
    else if (key == "CapBnd:") p.cap_bnd = value;
    else if (key == "NoNewPrivs:") p.no_new_privs = value == "1";
  }
  p.ping_group_range = ping_group_range();
  return p;
}

namespace {

bool in_mask(const std::string& hex, int bit) {
  try {
    return (std::stoull(hex, nullptr, 16) >> bit) & 1;
  } catch (...) {
    return false;
  }
}

std::string why_not(const ProcessPrivileges& p, const char* cap, int bit) {
  std::string s = fmt::format("needs {} (not in CapEff={})", cap, p.cap_eff);
  if (!in_mask(p.cap_bnd, bit)) s += fmt::format("; it is not even in the bounding set (CapBnd={}): the container or "
                                                 "service manager took it away", p.cap_bnd);
  else if (p.no_new_privs) s += "; NoNewPrivs=1, so file capabilities on the binary cannot grant it";
  else s += fmt::format("; {}", how_to_get(bit == 13 ? Cap::net_raw : Cap::net_admin));
  return s;
}

}  // namespace

std::vector<CapabilityLine> self_check(const ProcessPrivileges& p) {
  constexpr int kNetAdmin = 12, kNetRaw = 13;
  std::vector<CapabilityLine> out;
  bool raw = static_cast<bool>(open_arp_socket());

  out.push_back({"neighbor (ARP)", "arp, neigh --verify, diagnose: neighbor layer", raw, raw,
                 raw ? "packet socket (raw Ethernet)" : why_not(p, "CAP_NET_RAW", kNetRaw)});

  auto icmp = open_icmp_socket({});
  std::string icmp_how;
  if (icmp && icmp->method == model::ProbeMethod::raw) icmp_how = "raw ICMP socket";
  else if (icmp) icmp_how = fmt::format("unprivileged ping socket (gid {} is inside ping_group_range '{}')", p.gid, p.ping_group_range);
  else icmp_how = fmt::format("{}; and gid {} is outside ping_group_range '{}'", why_not(p, "CAP_NET_RAW", kNetRaw), p.gid, p.ping_group_range);
  bool icmp_full = icmp && icmp->method == model::ProbeMethod::raw;
  out.push_back({"network (ICMP echo)", "ping, diagnose: network and mtu layers", icmp_full, static_cast<bool>(icmp), icmp_how});

  bool tcp_raw = static_cast<bool>(open_tcp_raw_socket({}));
  out.push_back({"transport (TCP)", "tcp, diagnose: transport layer", tcp_raw, true,
                 tcp_raw ? "raw SYN (half-open, ICMP rejections decoded)"
                         : "connect() fallback (open/closed/filtered; ICMP codes from the error queue); raw SYN " +
                               why_not(p, "CAP_NET_RAW", kNetRaw)});

  bool admin = has_effective(Cap::net_admin);
  out.push_back({"neighbor repair", "neigh --fix", admin, admin, admin ? "CAP_NET_ADMIN held" : why_not(p, "CAP_NET_ADMIN", kNetAdmin)});

  auto cap = open_capture_any();
  bool pcap_ok = static_cast<bool>(cap);
  if (cap) pcap_close(*cap);
  out.push_back({"evidence (--pcap)", "--pcap on every probing command", pcap_ok, pcap_ok,
                 pcap_ok ? "libpcap capture on any interface" : why_not(p, "CAP_NET_RAW", kNetRaw)});
  out.push_back({"dns, route, link", "every command", true, true, "resolver and rtnetlink reads need no privilege"});
  return out;
}

}  // namespace vpcprobe::sys
