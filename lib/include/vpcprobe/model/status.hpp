#pragma once
#include <string>

namespace vpcprobe::model {

// Monitoring convention; the numeric value is the process exit code.
enum class Status { ok = 0, degraded = 1, failing = 2, unknown = 3 };
std::string status_name(Status s);
inline int exit_code(Status s) { return static_cast<int>(s); }

}  // namespace vpcprobe::model
