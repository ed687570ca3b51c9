#pragma once
#include <string>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::sys {

// Writes `content` to dir/name so that a reader (node_exporter's textfile collector) sees either
// the old file or the whole new one, never half of it: a temporary file in the same directory,
// fsync, then rename over the target.
Result<void> write_file_atomically(const std::string& dir, const std::string& name, const std::string& content);

}  // namespace vpcprobe::sys
