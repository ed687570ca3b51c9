#include "json_util.hpp"

#include <cmath>

#include "vpcprobe/render/words.hpp"

namespace vpcprobe::render::detail {

std::string dump(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

nlohmann::json neigh_json(const model::NeighEntry& e, const std::string& ifname) {
  nlohmann::json j;
  j["ip"] = e.ip.to_string();
  j["dev"] = ifname;
  j["ifindex"] = e.ifindex;
  j["mac"] = e.mac ? nlohmann::json(e.mac->to_string()) : nlohmann::json(nullptr);
  j["state"] = model::neigh_state_name(e.state);
  j["flags"] = model::neigh_flag_names(e);
  j["kernel_heals"] = e.kernel_heals();
  // The kernel's own ages of the entry (NDA_CACHEINFO), when it sent them.
  if (e.cache)
    j["cache"] = {{"confirmed_ms_ago", e.cache->confirmed_ms}, {"used_ms_ago", e.cache->used_ms},
                  {"updated_ms_ago", e.cache->updated_ms}, {"refcnt", e.cache->refcnt}};
  if (e.probes) j["probes"] = *e.probes;
  return j;
}

nlohmann::json optional_neigh_json(const std::optional<model::NeighEntry>& e, const std::string& ifname) {
  return e ? neigh_json(*e, ifname) : nlohmann::json(nullptr);
}

nlohmann::json rtt_json(const std::optional<model::RttStats>& s) {
  if (!s) return nullptr;
  return {{"min", round3(s->min_ms)}, {"avg", round3(s->avg_ms)}, {"max", round3(s->max_ms)}, {"mdev", round3(s->mdev_ms)}};
}

nlohmann::json icmp_json(const std::optional<model::IcmpErrorInfo>& e) {
  if (!e) return nullptr;
  return {{"type", e->type}, {"code", e->code}, {"meaning", icmp_meaning(*e)}, {"from", e->from.to_string()},
          {"mtu", e->mtu ? nlohmann::json(e->mtu) : nlohmann::json(nullptr)}};
}

}  // namespace vpcprobe::render::detail
