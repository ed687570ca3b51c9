#include "vpcprobe/sys/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "vpcprobe/sys/fd.hpp"

namespace vpcprobe::sys {

Result<void> write_file_atomically(const std::string& dir, const std::string& name, const std::string& content) {
  std::string target = dir + "/" + name;
  std::string pattern = dir + "/." + name + ".XXXXXX";
  std::vector<char> tmp(pattern.begin(), pattern.end());
  tmp.push_back('\0');
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return fail(Errc::invalid_argument, fmt::format("cannot write in {}: {}", dir, std::strerror(errno)));
  UniqueFd owned(fd);
  std::string tmp_path(tmp.data());
  auto undo = [&](const char* what) {
    int err = errno;
    ::unlink(tmp_path.c_str());
    return fail(Errc::system, fmt::format("{} {}: {}", what, tmp_path, std::strerror(err)));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return undo("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) return undo("sync");
  owned.reset();
  if (::rename(tmp_path.c_str(), target.c_str()) != 0) return undo("rename");
  return {};
}

}  // namespace vpcprobe::sys
