#pragma once
// `vpcprobe self-check`: one line per layer (text), or schema vpcprobe.self-check/1.
#include <string>

#include "vpcprobe/model/self_check.hpp"
#include "vpcprobe/render/renderer.hpp"

namespace vpcprobe::render {

std::string self_check_text(const model::SelfCheckReport& r);
std::string self_check_json(const model::SelfCheckReport& r);

template <>
Result<RendererPtr<model::SelfCheckReport>> make_renderer<model::SelfCheckReport>(Format f, const Style& style);

}  // namespace vpcprobe::render
