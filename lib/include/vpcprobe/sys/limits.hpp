#pragma once
// Process limits a run must fit in.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::sys {

// File descriptors this process may still open (RLIMIT_NOFILE minus those open, minus a reserve
// for the resolver, a pcap file and the like).
std::size_t descriptors_available();

// One integer of /proc/sys/net/FAMILY/conf/DEV/NAME (FAMILY "ipv4" or "ipv6"; DEV an interface,
// "all" or "default") in this process's network namespace; nothing when it cannot be read (no such
// interface or setting, or a name that is not one).
std::optional<int> read_conf_int(std::string_view family, const std::string& dev, std::string_view name);

// Reverse-path filtering on an interface as the kernel applies it: the larger of
// net.ipv4.conf.all.rp_filter and net.ipv4.conf.IFNAME.rp_filter (0 off, 1 strict, 2 loose).
std::optional<int> rp_filter(const std::string& ifname);

// Reads at most `max` bytes of a file; a longer one (or an endless one, such as /dev/zero) is
// Errc::invalid_argument instead of being read whole.
Result<std::string> read_file_capped(const std::string& path, std::size_t max);

}  // namespace vpcprobe::sys
