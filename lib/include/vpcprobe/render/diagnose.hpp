#pragma once
// `vpcprobe diagnose`: a row per layer, a column per path, then the verdict, its evidence and the
// fix (text); or one object of schema vpcprobe.diagnose/1 (documented in README.md and
// vpcprobe-diagnose(1)).
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/render/renderer.hpp"

namespace vpcprobe::render {

// What a diagnosis means in words, shared by every output: each layer's table cell and evidence,
// the verdict's summary and evidence, and the fix.
struct LayerWords {
  std::string summary;                // a few words for the table cell
  std::vector<std::string> evidence;  // sentences the verdict may quote
};
LayerWords layer_words(const model::PathResult& p, const model::LayerResult& l);
std::string verdict_summary(const model::Diagnosis& d);
std::vector<std::string> verdict_evidence(const model::Diagnosis& d);
std::optional<std::string> fix_text(const model::Diagnosis& d);

std::string diagnose_text(const model::Diagnosis& d, bool color);
std::string diagnose_json(const model::Diagnosis& d);

template <>
Result<RendererPtr<model::Diagnosis>> make_renderer<model::Diagnosis>(Format f, const Style& style);

}  // namespace vpcprobe::render
