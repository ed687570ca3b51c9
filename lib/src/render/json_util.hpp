#pragma once
// Private helpers shared by the JSON renderers.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/model/stats.hpp"

namespace vpcprobe::model {
struct Diagnosis;
struct NeighReport;
struct NeighHealth;
}  // namespace vpcprobe::model

namespace vpcprobe::render::detail {

// Serialises without throwing on bytes that are not UTF-8 (Linux allows them in interface names):
// they become U+FFFD instead of ending the run as an internal error. indent < 0: one line.
std::string dump(const nlohmann::json& j, int indent = 2);

nlohmann::json neigh_json(const model::NeighEntry& e, const std::string& ifname);
nlohmann::json optional_neigh_json(const std::optional<model::NeighEntry>& e, const std::string& ifname);
nlohmann::json rtt_json(const std::optional<model::RttStats>& s);
nlohmann::json icmp_json(const std::optional<model::IcmpErrorInfo>& e);
double round3(double v);
nlohmann::json diagnose_json_object(const model::Diagnosis& d);  // schema vpcprobe.diagnose/1
nlohmann::json neigh_json_object(const model::NeighReport& r);   // schema vpcprobe.neigh/1
nlohmann::json neigh_health_json(const model::NeighHealth& h);   // neigh/1's and check's `health`

}  // namespace vpcprobe::render::detail
