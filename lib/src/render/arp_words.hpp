#pragma once
// What an ARP verdict means in words, for `vpcprobe arp` and the neighbor layer of `diagnose`.
// Private to render/.
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/arp.hpp"

namespace vpcprobe::render::detail {

// The facts the words come from: the address asked about, on which interface, the kernel's entry
// before and after, what ARP saw, and the gateway when the address is not on-link.
struct ArpFacts {
  const wire::IpAddr& ip;
  const std::string& interface;
  const std::optional<model::NeighEntry>& before;
  const std::optional<model::NeighEntry>& after;
  const model::ArpProbeResult& probe;
  const std::optional<wire::IpAddr>& route_gateway;
};

std::string arp_headline(const model::ArpVerdict& v, bool ndp = false);  // "STALE NEIGHBOR ENTRY", ...
std::vector<std::string> arp_details(const ArpFacts& f, const model::ArpVerdict& v);
std::optional<std::string> arp_fix(const ArpFacts& f, const model::ArpVerdict& v);

}  // namespace vpcprobe::render::detail
