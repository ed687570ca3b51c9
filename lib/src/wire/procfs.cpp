#include "vpcprobe/wire/procfs.hpp"

#include <charconv>
#include <vector>

namespace vpcprobe::wire {

namespace {
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size() && out.size() < 64) {
    while (i < line.size() && space(line[i])) ++i;
    std::size_t j = i;
    while (j < line.size() && !space(line[j])) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}
}  // namespace

std::optional<int> parse_sysctl_int(std::string_view text) {
  auto t = trim(text);
  if (t.empty() || t.size() > 11) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_neigh_stat_column(std::string_view text, std::string_view column) {
  std::optional<std::size_t> index;
  std::uint64_t sum = 0;
  bool header = true;
  int lines = 0;
  while (!text.empty() && lines < 8192) {
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (trim(line).empty()) continue;
    ++lines;
    auto f = fields(line);
    if (header) {
      for (std::size_t i = 0; i < f.size(); ++i)
        if (f[i] == column) index = i;
      if (!index) return std::nullopt;
      header = false;
      continue;
    }
    if (*index >= f.size()) return std::nullopt;
    std::uint64_t v = 0;
    auto s = f[*index];
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    sum += v;
  }
  if (header) return std::nullopt;
  return sum;
}

}  // namespace vpcprobe::wire
