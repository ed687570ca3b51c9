#pragma once
// Process limits a run must fit in.
#include <cstddef>
#include <string>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::sys {

// File descriptors this process may still open (RLIMIT_NOFILE minus those open, minus a reserve
// for the resolver, a pcap file and the like).
std::size_t descriptors_available();

// Reads at most `max` bytes of a file; a longer one (or an endless one, such as /dev/zero) is
// Errc::invalid_argument instead of being read whole.
Result<std::string> read_file_capped(const std::string& path, std::size_t max);

}  // namespace vpcprobe::sys
