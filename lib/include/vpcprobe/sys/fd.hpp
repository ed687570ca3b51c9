#pragma once
#include <cstddef>
#include <utility>
#include <vector>

namespace vpcprobe::sys {

// Owns one file descriptor; closes it once.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  explicit operator bool() const { return fd_ >= 0; }
  void reset();

 private:
  int fd_ = -1;
};

// Closes them all at once. Closing a packet socket waits for an RCU grace period (about 10 ms);
// closed side by side, the waits overlap instead of adding up.
void close_together(std::vector<UniqueFd> fds);

// The last close of an AF_PACKET socket waits for an RCU grace period (the kernel's
// packet_release() calls synchronize_net(): 10-16 ms), and so does the exit of a process that
// still holds one. defer_close() keeps such a socket open; close_deferred(), called once the
// report is out, hands the kept sockets to a short-lived helper process that holds the last
// references, closes its own copies (quick: not the last), and returns. The helper closes every
// other descriptor first (so no pipe or terminal waits on it), waits until this process has let
// go, then exits and pays the grace period off the critical path. Without fork (EAGAIN under a
// pids limit), they are closed here, side by side. More than kDeferredMax kept sockets are
// handed over at once (a --watch run does not pile them up).
inline constexpr std::size_t kDeferredMax = 8;
void defer_close(UniqueFd fd);
void close_deferred();
// Whether fd is an AF_PACKET socket (whose last close is slow).
bool is_packet_socket(int fd);

}  // namespace vpcprobe::sys
