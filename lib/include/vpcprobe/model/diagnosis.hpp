#pragma once
// Everything `vpcprobe diagnose` learned about one path (private or public), layer by layer, and
// the verdict drawn from both paths. Plain data: probes fill it, diag/ judges it, render/ prints it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/model/reports.hpp"
#include "vpcprobe/model/status.hpp"

namespace vpcprobe::model {

enum class Layer { dns = 1, route, link, neighbor, network, transport, mtu, none, unknown };
std::string layer_name(Layer l);
inline constexpr Layer kLayers[] = {Layer::dns, Layer::route, Layer::link, Layer::neighbor,
                                    Layer::network, Layer::transport, Layer::mtu};

// How one layer's check came out.
enum class Check {
  pass = 1,     // tested, works
  fail,         // tested, broken
  warn,         // tested, odd but not breaking the path (e.g. ICMP echo blocked while TCP answers)
  skipped,      // does not apply (a numeric address has no DNS; no port given; no MTU question)
  not_tested,   // applies, but could not run (missing privilege): never guessed
};
std::string check_name(Check c);

struct LayerResult {
  Layer layer = Layer::unknown;
  Check check = Check::not_tested;
  std::string summary;                // a few words for the table cell
  std::vector<std::string> evidence;  // sentences the verdict may quote
};

struct MtuProbe {
  std::uint32_t size = 0;  // IP packet size (payload + 28)
  bool answered = false;
  std::optional<IcmpErrorInfo> error;  // frag-needed says where and what MTU
};

struct PathResult {
  std::string role;   // "private" or "public"
  std::string input;  // HOST as the user typed it
  std::optional<std::uint16_t> port;

  // dns
  std::optional<TargetInfo> target;
  std::optional<std::string> dns_error;
  // route
  std::optional<RouteInfo> route;
  std::optional<std::string> route_error;
  // link: the output interface, and interfaces that are down but hold the target's subnet
  std::optional<LinkInfo> link;
  std::vector<std::pair<LinkInfo, AddrInfo>> down_links_for_target;
  std::vector<std::pair<LinkInfo, AddrInfo>> other_down_links;  // down, with an address, not the target's subnet
  // neighbor: the next hop's entry before and after, and what ARP saw
  std::optional<wire::Ipv4> next_hop;
  std::optional<NeighEntry> neigh_before;
  std::optional<NeighEntry> neigh_after;
  std::optional<ArpProbeResult> arp;
  std::optional<std::string> arp_not_run;  // why ARP was not sent (privilege, not Ethernet)
  // network
  std::optional<EchoResult> echo;
  std::optional<ProbeMethod> echo_method;
  std::optional<std::string> echo_not_run;
  // transport
  std::optional<TcpResult> tcp;
  std::optional<ProbeMethod> tcp_method;
  std::optional<std::string> tcp_not_run;
  // mtu: DF echoes of several sizes sent at once
  std::vector<MtuProbe> mtu_probes;
  std::optional<std::string> mtu_not_run;
};

struct Verdict {
  Status status = Status::unknown;
  Layer layer = Layer::unknown;
  std::string path = "none";  // private | public | both | none
  std::string summary;
  std::vector<std::string> evidence;
  std::optional<std::string> fix;
};

struct Diagnosis {
  PathResult private_path;
  std::optional<PathResult> public_path;
  std::vector<LayerResult> private_layers;
  std::vector<LayerResult> public_layers;
  Verdict verdict;
  double duration_ms = 0;
  double timeout_s = 0;
};

}  // namespace vpcprobe::model
