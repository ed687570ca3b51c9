#include "vpcprobe/sys/self_check.hpp"

#include <unistd.h>

#include <cerrno>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "library.hpp"
#include "vpcprobe/sys/pcap_api.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::sys {

model::ProcessPrivileges read_privileges() {
  model::ProcessPrivileges p;
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
  if (hex.empty() || hex.size() > 16) return false;
  std::uint64_t v = 0;
  for (char c : hex) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    v = v * 16 + static_cast<std::uint64_t>(d);
  }
  return (v >> bit) & 1;
}

model::Missing missing(const model::ProcessPrivileges& p, const char* cap, int bit) {
  return model::Missing{cap, in_mask(p.cap_bnd, bit), p.no_new_privs, {}};
}

}  // namespace

model::SelfCheckReport self_check(const model::ProcessPrivileges& p) {
  using model::Area;
  using model::Method;
  constexpr int kNetAdmin = 12, kNetRaw = 13;
  model::SelfCheckReport r;
  r.process = p;
  auto line = [&](Area area, Method method, bool full, bool available, std::optional<model::Missing> why) {
    r.lines.push_back({area, method, full, available, full ? std::nullopt : why});
  };

  auto arp = open_arp_socket();
  const bool raw = static_cast<bool>(arp);
  if (arp) defer_close(std::move(*arp));  // closed off the critical path (fd.hpp)
  line(Area::neighbor, raw ? Method::packet_socket : Method::none, raw, raw, missing(p, "CAP_NET_RAW", kNetRaw));

  auto icmp = open_icmp_socket(wire::Family::v4, {});
  const bool icmp_raw = icmp && icmp->method == model::ProbeMethod::raw;
  line(Area::network, icmp ? (icmp_raw ? Method::raw_icmp : Method::ping_socket) : Method::none, icmp_raw, static_cast<bool>(icmp),
       missing(p, "CAP_NET_RAW", kNetRaw));

  const bool tcp_raw = static_cast<bool>(open_tcp_raw_socket(wire::Family::v4, {}));
  line(Area::transport, tcp_raw ? Method::raw_syn : Method::connect, tcp_raw, true, missing(p, "CAP_NET_RAW", kNetRaw));

  // IPv6: the same three, unless the kernel has no IPv6 at all (ipv6.disable=1).
  auto ndp = open_ndp_socket();
  const bool ndp_raw = static_cast<bool>(ndp);
  if (ndp) defer_close(std::move(*ndp));
  auto icmp6 = open_icmp_socket(wire::Family::v6, {});
  const bool no_ipv6 = !icmp6 && icmp6.error().sys_errno == EAFNOSUPPORT;
  auto why6 = [&]() -> std::optional<model::Missing> {
    if (no_ipv6) return model::Missing{"", true, false, "this kernel has no IPv6 (booted with ipv6.disable=1?)"};
    return missing(p, "CAP_NET_RAW", kNetRaw);
  };
  line(Area::neighbor_v6, ndp_raw ? Method::packet_socket : Method::none, ndp_raw, ndp_raw, why6());
  const bool icmp6_raw = icmp6 && icmp6->method == model::ProbeMethod::raw;
  line(Area::network_v6, icmp6 ? (icmp6_raw ? Method::raw_icmp : Method::ping_socket) : Method::none, icmp6_raw, static_cast<bool>(icmp6),
       why6());
  const bool tcp6_raw = static_cast<bool>(open_tcp_raw_socket(wire::Family::v6, {}));
  line(Area::transport_v6, tcp6_raw ? Method::raw_syn : Method::connect, tcp6_raw, !no_ipv6, why6());

  // The application layer needs no privilege (a normal connection); TLS needs OpenSSL, which the
  // shared build loads on first use (the static build carries it).
  std::optional<model::Missing> no_tls;
#if VPCPROBE_SSL_DLOPEN
  if (auto lib = open_library({kLibssl}, kLibsslMissing); !lib) no_tls = model::Missing{"", true, false, lib.error().message};
#endif
  line(Area::application, no_tls ? Method::connect : Method::connect_tls, !no_tls, true, no_tls);

  const bool admin = has_effective(Cap::net_admin);
  line(Area::repair, admin ? Method::net_admin : Method::none, admin, admin, missing(p, "CAP_NET_ADMIN", kNetAdmin));

  auto cap = open_capture_any();
  const bool pcap_ok = static_cast<bool>(cap);
  if (cap) close_capture(*cap);
  auto why_no_capture = missing(p, "CAP_NET_RAW", kNetRaw);
  if (auto lib = pcap_api(); !lib) why_no_capture.library = lib.error().message;  // not a privilege: libpcap is not there
  line(Area::evidence, pcap_ok ? Method::pcap_any : Method::none, pcap_ok, pcap_ok, why_no_capture);
  line(Area::kernel_view, Method::netlink, true, true, std::nullopt);
  return r;
}

}  // namespace vpcprobe::sys
