#pragma once
// The diagnose verdict engine: pure functions from what the probes saw to typed layer results and
// one verdict. Principles: the lowest broken layer on a path wins; ICMP echo blocked while the TCP
// port answers is not a failure; a layer that could not be tested is reported as not tested, never
// guessed, and the verdict is `unknown` when such a layer could be the cause. No words here:
// render/ says what the findings mean.
#include <vector>

#include "vpcprobe/model/diagnosis.hpp"

namespace vpcprobe::diag {

// One LayerResult per layer of model::kLayers, in that order. `other` is the path it is compared
// with (the public one, for the private path): a private path that leaves the same way is no
// private path.
std::vector<model::LayerResult> evaluate_path(const model::PathResult& path, const model::PathResult* other = nullptr);

// One path on its own: failing at its lowest failing layer (unknown when an untested layer lies
// below it), ok only with positive evidence that the service answers.
model::PathJudgement judge_path(const std::vector<model::LayerResult>& layers);

model::Verdict decide(const model::PathResult& private_path, const std::vector<model::LayerResult>& private_layers,
                      const model::PathResult* public_path, const std::vector<model::LayerResult>* public_layers);

// Convenience: evaluate both paths and decide, filling the Diagnosis.
void judge(model::Diagnosis& d);

}  // namespace vpcprobe::diag
