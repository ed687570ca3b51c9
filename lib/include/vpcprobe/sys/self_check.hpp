#pragma once
// What this process may do, layer by layer, and why not: read from /proc/self/status and the
// ping_group_range sysctl, and confirmed by opening (never using) each privileged socket kind.
#include "vpcprobe/model/self_check.hpp"

namespace vpcprobe::sys {

model::ProcessPrivileges read_privileges();
// Opens each socket kind once and closes it: call before privileges are dropped.
model::SelfCheckReport self_check(const model::ProcessPrivileges& p);

}  // namespace vpcprobe::sys
