#include "vpcprobe/sys/random.hpp"

#include <sys/random.h>

#include <chrono>

namespace vpcprobe::sys {

std::uint64_t random_secret() {
  std::uint64_t s = 0;
  if (getrandom(&s, sizeof s, 0) != static_cast<ssize_t>(sizeof s))
    s = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return s;
}

}  // namespace vpcprobe::sys
