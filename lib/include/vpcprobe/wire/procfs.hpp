#pragma once
// The kernel's text files under /proc that the neighbor health check reads, parsed without I/O.
#include <cstdint>
#include <optional>
#include <string_view>

namespace vpcprobe::wire {

// One integer sysctl ("1\n"); nothing for anything else.
std::optional<int> parse_sysctl_int(std::string_view text);

// /proc/net/stat/arp_cache (or ndisc_cache): a header line of column names, then one line of hex
// numbers per CPU. The named column summed over the CPUs; nothing when the column is missing or a
// line is malformed.
std::optional<std::uint64_t> parse_neigh_stat_column(std::string_view text, std::string_view column);

}  // namespace vpcprobe::wire
