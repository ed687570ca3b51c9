#pragma once
// Renderers only format: a report in, a string out.
#include <string>

#include "vpcprobe/model/arp.hpp"

namespace vpcprobe::render {

std::string arp_text(const model::ArpReport& report);
std::string arp_json(const model::ArpReport& report);  // one object, schema "vpcprobe.arp/1"

}  // namespace vpcprobe::render
