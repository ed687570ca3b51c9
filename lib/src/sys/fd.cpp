#include "vpcprobe/sys/fd.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
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

namespace {

std::mutex deferred_mutex;
std::vector<UniqueFd>& deferred() {
  static std::vector<UniqueFd> fds;
  return fds;
}

// In the helper (after fork, where only async-signal-safe calls are allowed): close every
// descriptor but the kept ones (sorted, distinct).
void close_all_but(const int* keep, std::size_t n) {
  // [lo, end) with end exclusive; kEnd: every descriptor from lo on.
  constexpr long kEnd = -1;
  auto close_range_of = [](long lo, long end) {
    if (end != kEnd && end <= lo) return;
    const unsigned last = end == kEnd ? ~0U : static_cast<unsigned>(end - 1);
    if (::syscall(SYS_close_range, static_cast<unsigned>(lo), last, 0U) != 0)
      for (long fd = lo; fd < (end == kEnd ? 65536 : end); ++fd) ::close(static_cast<int>(fd));
  };
  long lo = 0;
  for (std::size_t i = 0; i < n; ++i) {
    close_range_of(lo, keep[i]);
    lo = keep[i] + 1L;
  }
  close_range_of(lo, kEnd);
}

}  // namespace

bool is_packet_socket(int fd) {
  int domain = 0;
  socklen_t len = sizeof domain;
  return fd >= 0 && ::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_PACKET;
}

void defer_close(UniqueFd fd) {
  if (!fd) return;
  bool full = false;
  {
    std::lock_guard lock(deferred_mutex);
    deferred().push_back(std::move(fd));
    full = deferred().size() > kDeferredMax;
  }
  if (full) close_deferred();
}

void close_deferred() {
  std::vector<UniqueFd> fds;
  {
    std::lock_guard lock(deferred_mutex);
    fds.swap(deferred());
  }
  if (fds.empty()) return;
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) return close_together(std::move(fds));
  std::vector<int> keep{gate[0]};  // built before fork: the helper may not allocate
  for (const auto& f : fds) keep.push_back(f.get());
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  const pid_t middle = ::fork();
  if (middle < 0) {
    ::close(gate[0]);
    ::close(gate[1]);
    return close_together(std::move(fds));
  }
  if (middle == 0) {
    // Twice forked, so the helper is nobody's child to reap (init or a subreaper adopts it).
    if (::fork() != 0) ::_exit(0);
    close_all_but(keep.data(), keep.size());
    char c;
    while (::read(gate[0], &c, 1) < 0 && errno == EINTR) {
    }
    ::_exit(0);  // the last references: the grace periods pass here
  }
  ::close(gate[0]);
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  for (auto& f : fds) f.reset();  // not the last references any more: quick
  ::close(gate[1]);               // the helper's read ends: it may close them now
}

}  // namespace vpcprobe::sys
