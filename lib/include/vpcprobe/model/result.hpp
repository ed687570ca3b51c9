#pragma once
// Errors are values: every fallible call returns Result<T>. A timeout or a silent host is data in a
// probe result, not an Error; Error is for "could not run the check at all".
#include <expected>
#include <string>
#include <utility>

namespace vpcprobe {

enum class Errc {
  // zero is deliberately not a success value
  invalid_argument = 1,  // bad user input -> exit 3
  permission,            // missing capability -> exit 3
  not_found,             // unknown interface, no such entry
  malformed,             // bytes that do not decode
  system,                // a syscall failed for another reason
  unsupported,
  unreachable,           // the target cannot be tried at all (its name does not resolve, no route) -> exit 2
};

struct Error {
  Errc code;
  std::string message;
  int sys_errno = 0;  // the errno behind a failed system call, when there was one
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message, int sys_errno = 0) {
  return std::unexpected(Error{code, std::move(message), sys_errno});
}

}  // namespace vpcprobe
