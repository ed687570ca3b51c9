#include "vpcprobe/sys/limits.hpp"

#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>
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

namespace {
std::optional<int> read_int(const std::string& path) {
  std::ifstream in(path);
  int v = 0;
  if (!(in >> v)) return std::nullopt;
  return v;
}
}  // namespace

std::optional<int> rp_filter(const std::string& ifname) {
  if (ifname.empty() || ifname.find('/') != std::string::npos || ifname == "." || ifname == "..") return std::nullopt;
  auto all = read_int("/proc/sys/net/ipv4/conf/all/rp_filter");
  auto dev = read_int("/proc/sys/net/ipv4/conf/" + ifname + "/rp_filter");
  if (!all && !dev) return std::nullopt;
  return std::max(all.value_or(0), dev.value_or(0));
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
