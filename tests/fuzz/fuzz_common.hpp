#pragma once
// Shared by the libFuzzer harnesses. A harness decodes whatever bytes it is given and then checks
// invariants that must hold for every input; a violated invariant is a finding just like a
// sanitizer report, so it traps where libFuzzer sees a crash and saves the input.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "vpcprobe/wire/bytes.hpp"

#define FUZZ_CHECK(cond)          \
  do {                            \
    if (!(cond)) __builtin_trap(); \
  } while (0)

namespace vpcprobe::fuzz {

using wire::ByteView;

// True when view lies entirely inside outer (an empty view anywhere is harmless: nothing is read).
inline bool within(ByteView view, ByteView outer) {
  if (view.empty()) return true;
  const auto v = reinterpret_cast<std::uintptr_t>(view.data());
  const auto o = reinterpret_cast<std::uintptr_t>(outer.data());
  return v >= o && view.size() <= outer.size() && v - o <= outer.size() - view.size();
}

// True when view is exactly outer[offset, offset + size).
inline bool is_at(ByteView view, ByteView outer, std::size_t offset, std::size_t size) {
  if (view.size() != size || offset > outer.size() || size > outer.size() - offset) return false;
  return size == 0 || view.data() == outer.data() + offset;
}

// Reads every byte of a view, so that AddressSanitizer checks the view really is readable memory.
inline unsigned touch(ByteView view) {
  unsigned sum = 0;
  for (auto b : view) sum += b;
  return sum;
}

inline std::uint16_t be16_at(ByteView v, std::size_t at) {
  return static_cast<std::uint16_t>((v[at] << 8) | v[at + 1]);
}
inline std::uint32_t be32_at(ByteView v, std::size_t at) {
  return (std::uint32_t{v[at]} << 24) | (std::uint32_t{v[at + 1]} << 16) |
         (std::uint32_t{v[at + 2]} << 8) | std::uint32_t{v[at + 3]};
}

inline bool same_bytes(ByteView a, ByteView b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace vpcprobe::fuzz
