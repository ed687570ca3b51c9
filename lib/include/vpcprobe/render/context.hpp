#pragma once
// Where a report was made (--netns, --pid), added by the command runner around whatever a
// renderer wrote, the same way for every report type: a JSON object gains "netns" {name, path,
// resolver} (every object of JSON Lines too); text gets one line before its first output; the
// Prometheus exposition a comment. Nothing changes when no namespace was entered.
#include <string>

#include "vpcprobe/model/run_context.hpp"
#include "vpcprobe/render/renderer.hpp"

namespace vpcprobe::render {

// "network namespace vpclab-node (/run/netns/vpclab-node); names resolved from /etc/netns/vpclab-node"
std::string context_line(const model::RunContext& c);
// rendered with the context added (unchanged without a namespace, or for output that is not
// what the format promises, e.g. an empty string). first: nothing of this run was printed yet.
std::string add_context(const std::string& rendered, const model::RunContext& c, Format f, bool first);

}  // namespace vpcprobe::render
