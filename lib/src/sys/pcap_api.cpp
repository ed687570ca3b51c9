#include "vpcprobe/sys/pcap_api.hpp"

#include <fcntl.h>

#include <fmt/format.h>

#include "vpcprobe/sys/fd.hpp"

#if VPCPROBE_PCAP_DLOPEN
#include "library.hpp"
#endif

namespace vpcprobe::sys {

namespace {

Result<PcapApi> load() {
  PcapApi api;
#if VPCPROBE_PCAP_DLOPEN
  // Debian's runtime package names the SONAME libpcap.so.0.8; upstream and other distributions
  // use libpcap.so.1.
  auto lib = open_library({"libpcap.so.0.8", "libpcap.so.1"}, "--pcap needs libpcap (Debian: apt-get install libpcap0.8)");
  if (!lib) return std::unexpected(lib.error());
  const char* missing = nullptr;
#define VPCPROBE_PCAP_RESOLVE(name) resolve(*lib, api.name, #name, missing);
  VPCPROBE_PCAP_FUNCTIONS(VPCPROBE_PCAP_RESOLVE)
#undef VPCPROBE_PCAP_RESOLVE
  if (missing) return fail(Errc::system, fmt::format("--pcap: the libpcap found has no {} (libpcap 1.5 or later is needed)", missing));
  // Never dlclose()d: captures may be open until exit.
#else
#define VPCPROBE_PCAP_LINKED(name) api.name = &::name;
  VPCPROBE_PCAP_FUNCTIONS(VPCPROBE_PCAP_LINKED)
#undef VPCPROBE_PCAP_LINKED
#endif
  return api;
}

}  // namespace

Result<const PcapApi*> pcap_api() {
  static const Result<PcapApi> loaded = load();
  if (!loaded) return std::unexpected(loaded.error());
  return &*loaded;
}

void close_capture(pcap_t* capture) {
  if (!capture) return;
  auto api = pcap_api();
  if (!api) return;
  // The capture is a packet socket: a duplicate kept open makes pcap_close() quick, and the
  // grace period of the last close passes off the critical path (sys::close_deferred).
  if (int fd = (*api)->pcap_get_selectable_fd(capture); fd >= 0) defer_close(UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 0)));
  (*api)->pcap_close(capture);
}

}  // namespace vpcprobe::sys
