#include "vpcprobe/sys/fd.hpp"

#include <unistd.h>

#include <thread>

namespace vpcprobe::sys {

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void close_together(std::vector<UniqueFd> fds) {
  std::vector<std::thread> closers;
  for (std::size_t i = 1; i < fds.size(); ++i) {
    try {
      closers.emplace_back([fd = std::move(fds[i])]() mutable { fd.reset(); });
    } catch (const std::system_error&) {
      fds[i].reset();  // no thread to spare: close it here, one after the other
    }
  }
  if (!fds.empty()) fds.front().reset();
  for (auto& t : closers) t.join();
}

}  // namespace vpcprobe::sys
