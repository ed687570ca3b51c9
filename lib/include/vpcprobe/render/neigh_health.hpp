#pragma once
// The neighbor subsystem's health in words: one sentence per finding (what the setting or number
// does, and when it breaks things), and the block `neigh --health` prints.
#include <string>

#include "vpcprobe/model/neigh_health.hpp"

namespace vpcprobe::render {

std::string health_finding_text(const model::HealthFinding& f, const model::NeighHealth& h);
std::string neigh_health_text(const model::NeighHealth& h);

}  // namespace vpcprobe::render
