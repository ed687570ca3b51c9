#include "library.hpp"

#include <dlfcn.h>

namespace vpcprobe::sys {

Result<void*> open_library(std::initializer_list<const char*> sonames, const std::string& what) {
  std::string why;
  for (const char* soname : sonames) {
    if (void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL)) return lib;
    if (const char* e = ::dlerror(); e && why.empty()) why = e;
  }
  return fail(Errc::system, what + ": " + (why.empty() ? std::string("not found") : why));
}

void* library_symbol(void* lib, const char* name) { return ::dlsym(lib, name); }

}  // namespace vpcprobe::sys
