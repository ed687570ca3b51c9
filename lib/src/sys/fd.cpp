#include "vpcprobe/sys/fd.hpp"

#include <unistd.h>

namespace vpcprobe::sys {
void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}
}  // namespace vpcprobe::sys
