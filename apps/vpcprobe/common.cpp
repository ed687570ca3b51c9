#include "common.hpp"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace vpcprobe::app {

int report_error(const std::string& message, int exit_code) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "vpcprobe: %s\n", line.c_str());
  return exit_code;
}

int report_error(const Error& e) { return report_error(e.message, kExitUnknown); }

Result<void> check_count(const char* name, long value, long max) {
  if (value < 1 || value > max) return fail(Errc::invalid_argument, fmt::format("{} must be between 1 and {}, got {}", name, max, value));
  return {};
}

Result<void> check_seconds(const char* name, double value, double min, double max) {
  if (!std::isfinite(value) || value < min || value > max)
    return fail(Errc::invalid_argument, fmt::format("{} must be between {} and {} seconds, got {}", name, min, max, value));
  return {};
}

}  // namespace vpcprobe::app
