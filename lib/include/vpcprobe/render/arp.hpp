#pragma once
// `vpcprobe arp`: a report in, a string out (text, or one JSON object of schema vpcprobe.arp/1).
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/render/renderer.hpp"

namespace vpcprobe::render {

// The report's verdict in words: "STALE NEIGHBOR ENTRY", the sentences that explain it, and the
// `ip neigh` command that repairs it (when one does).
std::string arp_headline(const model::ArpReport& report);
std::vector<std::string> arp_details(const model::ArpReport& report);
std::optional<std::string> arp_fix(const model::ArpReport& report);

std::string arp_text(const model::ArpReport& report);
std::string arp_json(const model::ArpReport& report);

template <>
Result<RendererPtr<model::ArpReport>> make_renderer<model::ArpReport>(Format f, const Style& style);

}  // namespace vpcprobe::render
