#pragma once
#include <cstdint>

namespace vpcprobe::sys {

// 64 random bits from the kernel (getrandom(2)); the run's probe identities derive from them.
std::uint64_t random_secret();

}  // namespace vpcprobe::sys
