#include "vpcprobe/net/pcap_evidence.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "vpcprobe/sys/pcap_api.hpp"

namespace vpcprobe::net {

std::string pcap_filter(const std::vector<wire::IpAddr>& hosts) {
  std::string f = "arp or icmp or icmp6";  // icmp6: neighbor discovery and ICMPv6 errors
  for (const auto& h : hosts) f += " or host " + h.to_string();
  return f;
}

PcapEvidence::PcapEvidence(asio::io_context& io, pcap* capture, const sys::PcapApi* api) : pc_(api), capture_(capture), desc_(io) {}

Result<std::unique_ptr<PcapEvidence>> PcapEvidence::start(asio::io_context& io, pcap* capture, const std::string& path,
                                                          const std::vector<wire::IpAddr>& hosts) {
  auto api = sys::pcap_api();  // loaded already: the capture was opened through it
  if (!api) {
    sys::close_capture(capture);
    return std::unexpected(api.error());
  }
  std::unique_ptr<PcapEvidence> ev(new PcapEvidence(io, capture, *api));
  const sys::PcapApi* pc_ = *api;
  bpf_program prog{};
  auto filter = pcap_filter(hosts);
  if (pc_->pcap_compile(capture, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 || pc_->pcap_setfilter(capture, &prog) != 0) {
    pc_->pcap_freecode(&prog);
    return fail(Errc::system, fmt::format("--pcap: filter '{}': {}", filter, pc_->pcap_geterr(capture)));
  }
  pc_->pcap_freecode(&prog);
  ev->dumper_ = pc_->pcap_dump_open(capture, path.c_str());
  if (!ev->dumper_) return fail(Errc::invalid_argument, fmt::format("--pcap: cannot write {}: {}", path, pc_->pcap_geterr(capture)));
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  if (pc_->pcap_setnonblock(capture, 1, errbuf) != 0) return fail(Errc::system, fmt::format("--pcap: {}", errbuf));
  int fd = pc_->pcap_get_selectable_fd(capture);
  if (fd < 0) return fail(Errc::system, "--pcap: capture has no selectable descriptor");
  int watched = ::dup(fd);
  if (watched < 0) return fail(Errc::system, fmt::format("--pcap: dup: {}", std::strerror(errno)));
  ev->desc_.assign(watched);
  ev->arm();
  return ev;
}

PcapEvidence::~PcapEvidence() {
  finish();
  sys::close_capture(capture_);
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
    auto* self = reinterpret_cast<PcapEvidence*>(user);
    self->pc_->pcap_dump(static_cast<u_char*>(self->dumper_), h, bytes);
  };
  // Bounded per call: a flood cannot keep us here.
  for (int i = 0; i < 64; ++i) {
    int n = pc_->pcap_dispatch(capture_, 256, write, reinterpret_cast<u_char*>(this));
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
    pc_->pcap_dump_flush(static_cast<pcap_dumper_t*>(dumper_));
    pc_->pcap_dump_close(static_cast<pcap_dumper_t*>(dumper_));
    dumper_ = nullptr;
  }
  return packets_;
}

}  // namespace vpcprobe::net
