#pragma once
// Private helpers shared by the JSON renderers.
#include <nlohmann/json.hpp>
#include <optional>

#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/stats.hpp"

namespace vpcprobe::render::detail {

nlohmann::json neigh_json(const model::NeighEntry& e, const std::string& ifname);
nlohmann::json optional_neigh_json(const std::optional<model::NeighEntry>& e, const std::string& ifname);
nlohmann::json rtt_json(const std::optional<model::RttStats>& s);
double round3(double v);
nlohmann::json diagnose_json_object(const model::Diagnosis& d);  // schema vpcprobe.diagnose/1
nlohmann::json neigh_json_object(const model::NeighReport& r);   // schema vpcprobe.neigh/1

}  // namespace vpcprobe::render::detail
