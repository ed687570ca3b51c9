#include "vpcprobe/sys/limits.hpp"

#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "vpcprobe/wire/procfs.hpp"

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

std::optional<int> read_conf_int(std::string_view family, const std::string& dev, std::string_view name) {
  if (dev.empty() || dev.find('/') != std::string::npos || dev == "." || dev == "..") return std::nullopt;
  auto text = read_file_capped(fmt::format("/proc/sys/net/{}/conf/{}/{}", family, dev, name), 64);
  if (!text) return std::nullopt;
  return wire::parse_sysctl_int(*text);
}

std::optional<int> rp_filter(const std::string& ifname) {
  auto all = read_conf_int("ipv4", "all", "rp_filter");
  auto dev = read_conf_int("ipv4", ifname, "rp_filter");
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
