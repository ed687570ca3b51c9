#pragma once
#include <string>

#include "vpcprobe/model/diagnosis.hpp"

namespace vpcprobe::render {

// A row per layer, a column per path, then the verdict, its evidence and the fix.
std::string diagnose_text(const model::Diagnosis& d, bool color);
// One object, schema "vpcprobe.diagnose/1" (documented in README.md and vpcprobe-diagnose(1)).
std::string diagnose_json(const model::Diagnosis& d);

}  // namespace vpcprobe::render
