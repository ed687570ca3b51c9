#pragma once
// What this process may do, layer by layer, and why not: `vpcprobe self-check`.
#include <optional>
#include <string>
#include <vector>

namespace vpcprobe::model {

struct ProcessPrivileges {
  unsigned uid = 0, euid = 0, gid = 0;
  std::string cap_eff, cap_prm, cap_bnd;  // hex masks as /proc shows them
  bool no_new_privs = false;
  std::string ping_group_range;
};

// The IPv6 twins (NDP, ICMPv6, TCP over IPv6) are lines of their own: an IPv6-less kernel, or a
// ping_group_range that lets only one family in, shows there.
enum class Area { neighbor = 1, network, transport, application, repair, evidence, kernel_view, neighbor_v6, network_v6, transport_v6 };
// The method a layer will use here, best first.
enum class Method { none = 1, packet_socket, raw_icmp, ping_socket, raw_syn, connect, net_admin, pcap_any, netlink, connect_tls };

// Why the best method is out of reach.
struct Missing {
  std::string capability;     // "CAP_NET_RAW", "CAP_NET_ADMIN"
  bool in_bounding_set = true;
  bool no_new_privs = false;  // NoNewPrivs=1: file capabilities cannot grant it
  std::string library;        // instead of a capability: a library that could not be loaded (its error)
};

struct CapabilityLine {
  Area area = Area::kernel_view;
  Method method = Method::none;   // what will run
  bool full = false;              // the best method
  bool available = false;         // something works (perhaps a fallback)
  std::optional<Missing> missing; // set when not full
};

struct SelfCheckReport {
  ProcessPrivileges process;
  std::vector<CapabilityLine> lines;
  bool all_full() const;
};

}  // namespace vpcprobe::model
