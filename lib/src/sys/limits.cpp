#include "vpcprobe/sys/limits.hpp"

#include <dirent.h>
#include <sys/resource.h>

#include <fstream>

#include <fmt/format.h>

namespace vpcprobe::sys {

std::size_t descriptors_available() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return 4096;
  std::size_t open = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++open;
    closedir(d);
  }
  constexpr std::size_t kReserve = 4;
  const std::size_t used = open + kReserve;
  return lim.rlim_cur > used + 1 ? static_cast<std::size_t>(lim.rlim_cur) - used : 1;
}

Result<std::string> read_file_capped(const std::string& path, std::size_t max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::invalid_argument, fmt::format("cannot read {}", path));
  std::string text(max + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max) return fail(Errc::invalid_argument, fmt::format("{} is larger than {} KiB", path, max / 1024));
  return text;
}

}  // namespace vpcprobe::sys
