#pragma once
#include <string>

#include "vpcprobe/model/neigh_audit.hpp"

namespace vpcprobe::render {

// A row per entry like `ip neigh`, with the verdict of each check when verified, the fixes, and a
// summary line.
std::string neigh_text(const model::NeighReport& r);
// Schema "vpcprobe.neigh/1"; compact (one line) for JSON Lines in --watch.
std::string neigh_json(const model::NeighReport& r, bool compact);

}  // namespace vpcprobe::render
