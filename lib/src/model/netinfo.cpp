#include "vpcprobe/model/netinfo.hpp"

namespace vpcprobe::model {

std::string neigh_state_name(std::uint16_t state) {
  static constexpr struct { std::uint16_t bit; const char* name; } kNames[] = {
      {nud::incomplete, "INCOMPLETE"}, {nud::reachable, "REACHABLE"}, {nud::stale, "STALE"},
      {nud::delay, "DELAY"},           {nud::probe, "PROBE"},         {nud::failed, "FAILED"},
      {nud::noarp, "NOARP"},           {nud::permanent, "PERMANENT"},
  };
  std::string out;
  for (const auto& n : kNames) {
    if (state & n.bit) {
      if (!out.empty()) out += '|';
      out += n.name;
    }
  }
  return out.empty() ? "NONE" : out;
}

std::vector<std::string> neigh_flag_names(const NeighEntry& e) {
  std::vector<std::string> out;
  if (e.flags & ntf::router) out.emplace_back("router");
  if (e.flags & ntf::proxy) out.emplace_back("proxy");
  if (e.flags & ntf::extern_learn) out.emplace_back("extern_learn");
  if (e.flags & ntf::offloaded) out.emplace_back("offload");
  if (e.ext_flags & ntf::ext_managed) out.emplace_back("managed");
  return out;
}

std::string route_type_name(RouteType t) {
  switch (t) {
    case RouteType::unicast: return "unicast";
    case RouteType::local: return "local";
    case RouteType::broadcast: return "broadcast";
    case RouteType::multicast: return "multicast";
    case RouteType::blackhole: return "blackhole";
    case RouteType::unreachable: return "unreachable";
    case RouteType::prohibit: return "prohibit";
    case RouteType::throw_: return "throw";
    case RouteType::no_route: return "no route";
    case RouteType::other: return "other";
  }
  return "other";
}

std::string operstate_name(std::uint8_t operstate) {
  static constexpr const char* kNames[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
                                           "TESTING", "DORMANT",    "UP"};
  return operstate < std::size(kNames) ? kNames[operstate] : "UNKNOWN";
}

NeighMarker neigh_marker(const NeighEntry& e) {
  if (e.state & (nud::failed | nud::incomplete)) return NeighMarker::unresolved;
  if (e.is_permanent() || e.is_extern_learn() || e.is_managed()) return NeighMarker::pinned;
  return NeighMarker::none;
}

std::string neigh_marker_name(NeighMarker m) {
  switch (m) {
    case NeighMarker::unresolved: return "unresolved";
    case NeighMarker::pinned: return "pinned";
    case NeighMarker::none: return "";
  }
  return "";
}

NeighOwner likely_owner(const NeighEntry& e) {
  if (e.is_extern_learn() || e.is_managed()) return NeighOwner::external_agent;
  if (e.is_permanent()) return NeighOwner::administrator;
  return NeighOwner::kernel;
}

}  // namespace vpcprobe::model
