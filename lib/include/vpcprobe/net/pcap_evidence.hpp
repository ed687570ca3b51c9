#pragma once
// --pcap FILE: every packet the run sent and received, as the kernel saw them on every interface,
// written with libpcap's dump writer (Wireshark/tcpdump open it), for a provider's support ticket.
#include <memory>
#include <string>
#include <vector>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/wire/addr.hpp"

struct pcap;

namespace vpcprobe::sys {
struct PcapApi;
}

namespace vpcprobe::net {

class PcapEvidence {
 public:
  // capture comes from sys::open_capture_any() (privileged); this takes ownership. Called after
  // privileges are dropped, so the file is created with the caller's own permissions.
  static Result<std::unique_ptr<PcapEvidence>> start(asio::io_context& io, pcap* capture, const std::string& path,
                                                     const std::vector<wire::IpAddr>& hosts);
  ~PcapEvidence();
  // Reads what is still queued (briefly waiting for the kernel to hand over the last packets),
  // flushes and closes the file. Returns the number of packets written.
  std::size_t finish();

 private:
  PcapEvidence(asio::io_context& io, pcap* capture, const sys::PcapApi* api);
  void arm();
  void dispatch();

  const sys::PcapApi* pc_;
  pcap* capture_;
  void* dumper_ = nullptr;
  asio::posix::stream_descriptor desc_;
  std::size_t packets_ = 0;
  bool finished_ = false;
};

// The BPF filter for the run: ARP, ICMP (errors come from routers), and anything to or from hosts.
std::string pcap_filter(const std::vector<wire::IpAddr>& hosts);

}  // namespace vpcprobe::net
