#pragma once
// What every subcommand shares: one-line errors, exit codes, option checks.
#include <string>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::app {

inline constexpr int kExitOk = 0, kExitDegraded = 1, kExitFailing = 2, kExitUnknown = 3;

// Prints "vpcprobe: <message>" as one line on stderr and returns the exit code.
int report_error(const std::string& message, int exit_code);
// Bad input and missing privilege are exit 3; anything else that stopped a check from running too.
int report_error(const Error& e);

// Option checks return a message for report_error, or nothing when the value is fine.
Result<void> check_count(const char* name, long value, long max);
Result<void> check_seconds(const char* name, double value, double min, double max);

}  // namespace vpcprobe::app
