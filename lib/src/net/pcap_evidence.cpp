#include "vpcprobe/net/pcap_evidence.hpp"

#include <pcap/pcap.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

namespace vpcprobe::net {

std::string pcap_filter(const std::vector<wire::IpAddr>& hosts) {
  std::string f = "arp or icmp";
  for (const auto& h : hosts) f += " or host " + h.to_string();
  return f;
}

PcapEvidence::PcapEvidence(asio::io_context& io, pcap* capture) : capture_(capture), desc_(io) {}

Result<std::unique_ptr<PcapEvidence>> PcapEvidence::start(asio::io_context& io, pcap* capture, const std::string& path,
                                                          const std::vector<wire::IpAddr>& hosts) {
  std::unique_ptr<PcapEvidence> ev(new PcapEvidence(io, capture));
  bpf_program prog{};
  auto filter = pcap_filter(hosts);
  if (pcap_compile(capture, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 || pcap_setfilter(capture, &prog) != 0) {
    pcap_freecode(&prog);
    return fail(Errc::system, fmt::format("--pcap: filter '{}': {}", filter, pcap_geterr(capture)));
  }
  pcap_freecode(&prog);
  ev->dumper_ = pcap_dump_open(capture, path.c_str());
  if (!ev->dumper_) return fail(Errc::invalid_argument, fmt::format("--pcap: cannot write {}: {}", path, pcap_geterr(capture)));
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  if (pcap_setnonblock(capture, 1, errbuf) != 0) return fail(Errc::system, fmt::format("--pcap: {}", errbuf));
  int fd = pcap_get_selectable_fd(capture);
  if (fd < 0) return fail(Errc::system, "--pcap: capture has no selectable descriptor");
  int watched = ::dup(fd);
  if (watched < 0) return fail(Errc::system, fmt::format("--pcap: dup: {}", std::strerror(errno)));
  ev->desc_.assign(watched);
  ev->arm();
  return ev;
}

PcapEvidence::~PcapEvidence() {
  finish();
  pcap_close(capture_);
}

void PcapEvidence::arm() {
  desc_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec || finished_) return;
    dispatch();
    arm();
  });
}

void PcapEvidence::dispatch() {
  if (!dumper_) return;  // never opened (start() failed): nothing to write to
  auto write = [](u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    pcap_dump(user, h, bytes);
  };
  // Bounded per call: a flood cannot keep us here.
  for (int i = 0; i < 64; ++i) {
    int n = pcap_dispatch(capture_, 256, write, static_cast<u_char*>(dumper_));
    if (n <= 0) break;
    packets_ += static_cast<std::size_t>(n);
  }
}

std::size_t PcapEvidence::finish() {
  if (finished_) return packets_;
  // The last answers (and the kernel's own RSTs) may still be on their way to the capture buffer.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  dispatch();
  finished_ = true;
  boost::system::error_code ec;
  desc_.cancel(ec);
  desc_.close(ec);
  if (dumper_) {
    pcap_dump_flush(static_cast<pcap_dumper_t*>(dumper_));
    pcap_dump_close(static_cast<pcap_dumper_t*>(dumper_));
    dumper_ = nullptr;
  }
  return packets_;
}

}  // namespace vpcprobe::net
