#pragma once
// A shared library loaded on first use and its functions looked up into a table: the seam for
// libpcap (--pcap) and OpenSSL (TLS), which most runs never need (bench/README.md, footprint).
// Private to lib/src.
#include <initializer_list>
#include <string>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::sys {

// OpenSSL's runtime (libssl3 on Debian), for the application layer's TLS handshakes.
inline constexpr const char* kLibssl = "libssl.so.3";
inline constexpr const char* kLibsslMissing = "TLS needs OpenSSL 3 (Debian: apt-get install libssl3)";

// dlopen()s the first of `sonames` that loads (RTLD_NOW | RTLD_LOCAL: its symbols stay out of the
// global scope); else Errc::system, "`what`: the loader's words". Never closed.
Result<void*> open_library(std::initializer_list<const char*> sonames, const std::string& what);
void* library_symbol(void* lib, const char* name);

// One slot of a table: the function, or the name of the first one missing.
template <class F>
void resolve(void* lib, F& slot, const char* name, const char*& missing) {
  slot = reinterpret_cast<F>(library_symbol(lib, name));
  if (!slot && !missing) missing = name;
}

}  // namespace vpcprobe::sys
