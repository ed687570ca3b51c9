#pragma once
// libpcap, loaded only when a capture is asked for (--pcap, self-check). Linked at start-up it
// would cost every command the loading of libpcap and what it pulls in (libdbus, libsystemd,
// libgcrypt, liblzma, libzstd, liblz4, libgpg-error): about as long as a whole one-echo run.
// The shared build dlopen()s the library's runtime package (libpcap0.8) on first use; the static
// build links libpcap in and fills the same table. Either way every call goes through the table,
// and the function names stay those of libpcap, so the privileged-call lint still sees them.
#include <pcap/pcap.h>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::sys {

#define VPCPROBE_PCAP_FUNCTIONS(X)                                                                          \
  X(pcap_create) X(pcap_set_snaplen) X(pcap_set_buffer_size) X(pcap_set_immediate_mode) X(pcap_set_timeout) \
  X(pcap_activate) X(pcap_geterr) X(pcap_close) X(pcap_compile) X(pcap_setfilter) X(pcap_freecode)         \
  X(pcap_dump_open) X(pcap_setnonblock) X(pcap_get_selectable_fd) X(pcap_dispatch) X(pcap_dump)            \
  X(pcap_dump_flush) X(pcap_dump_close)

struct PcapApi {
#define VPCPROBE_PCAP_MEMBER(name) decltype(&::name) name = nullptr;
  VPCPROBE_PCAP_FUNCTIONS(VPCPROBE_PCAP_MEMBER)
#undef VPCPROBE_PCAP_MEMBER
};

// The table, loaded on the first call (thread-safe) and kept for the life of the process; an error
// (errc system) naming the package to install when libpcap cannot be loaded.
Result<const PcapApi*> pcap_api();

// Closes a capture opened through the table (no-op for nullptr).
void close_capture(pcap_t* capture);

}  // namespace vpcprobe::sys
