#include "common.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>

#include <dirent.h>
#include <pcap/pcap.h>
#include <sys/resource.h>

#include <csignal>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "vpcprobe/net/pcap_evidence.hpp"
#include "vpcprobe/net/resolve.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::app {

int report_error(const std::string& message, int exit_code) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "vpcprobe: %s\n", line.c_str());
  return exit_code;
}

int report_error(const Error& e) { return report_error(e.message, kExitUnknown); }

Result<void> check_count(const char* name, long value, long max) {
  if (value < 1 || value > max) return fail(Errc::invalid_argument, fmt::format("{} must be between 1 and {}, got {}", name, max, value));
  return {};
}

Result<void> check_seconds(const char* name, double value, double min, double max) {
  if (!std::isfinite(value) || value < min || value > max)
    return fail(Errc::invalid_argument, fmt::format("{} must be between {} and {} seconds, got {}", name, min, max, value));
  return {};
}

Result<void> check_interface(const std::string& name) {
  if (name.size() > 15) return fail(Errc::invalid_argument, fmt::format("interface name '{}' is longer than 15 characters", name));
  for (char c : name)
    if (c == '/' || c == ' ' || c == ':' || static_cast<unsigned char>(c) < 0x21)
      return fail(Errc::invalid_argument, fmt::format("'{}' is not a valid interface name", name));
  return {};
}

Result<HostPort> parse_host_port(const std::string& text, const char* what) {
  HostPort hp{text, std::nullopt};
  auto colon = text.rfind(':');
  if (colon != std::string::npos && text.find(':') == colon) {
    auto ports = parse_ports(text.substr(colon + 1));
    if (!ports || ports->size() != 1)
      return fail(Errc::invalid_argument, fmt::format("{}: '{}' is not a port (1-65535)", what, text.substr(colon + 1)));
    hp.host = text.substr(0, colon);
    hp.port = ports->front();
  }
  if (auto ok = net::check_host_syntax(hp.host); !ok) return fail(Errc::invalid_argument, fmt::format("{}: {}", what, ok.error().message));
  return hp;
}

Result<model::TargetInfo> resolve_target(const std::string& text) {
  auto r = net::resolve_ipv4(text);
  if (!r) return std::unexpected(r.error());
  return model::TargetInfo{text, r->addr, r->was_name, r->resolve_ms};
}

int report_resolve_error(const Error& e) {
  return report_error(e.message, e.code == Errc::not_found ? kExitFailing : kExitUnknown);
}

Result<std::vector<std::uint16_t>> parse_ports(const std::string& text) {
  std::vector<std::uint16_t> out;
  auto bad = [&] { return fail(Errc::invalid_argument, fmt::format("'{}' is not a port list (1-65535, e.g. 5432 or 80,443 or 8000-8010)", text)); };
  auto number = [](const std::string& s) -> long {
    if (s.empty() || s.size() > 5) return -1;
    long v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return (v >= 1 && v <= 65535) ? v : -1;
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto dash = item.find('-');
    long lo = number(item.substr(0, dash));
    long hi = dash == std::string::npos ? lo : number(item.substr(dash + 1));
    if (lo < 0 || hi < 0 || hi < lo) return bad();
    for (long p = lo; p <= hi; ++p) {
      if (out.size() >= 1024) return fail(Errc::invalid_argument, "at most 1024 ports at once");
      out.push_back(static_cast<std::uint16_t>(p));
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.empty()) return bad();
  return out;
}

std::size_t descriptors_available() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return 4096;
  std::size_t open = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++open;
    closedir(d);
  }
  constexpr std::size_t kReserve = 4;  // for the resolver, a pcap file, and the like
  std::size_t used = open + kReserve;
  return lim.rlim_cur > used + 1 ? static_cast<std::size_t>(lim.rlim_cur) - used : 1;
}

void print(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    // The reader went away (| head -1): nothing more to say to anybody.
    if (errno == EPIPE) std::_Exit(0);
  }
}

class PcapEvidenceHolder {
 public:
  std::unique_ptr<net::PcapEvidence> evidence;
};

void add_pcap_option(CLI::App& cmd, std::string& path) {
  cmd.add_option("--pcap", path,
                 "write this run's packets (with any other ARP and ICMP seen meanwhile) to a pcap file (needs CAP_NET_RAW)");
}

PcapOption::PcapOption(const std::string& path) : path_(path) {}

PcapOption::~PcapOption() {
  if (capture_) pcap_close(capture_);
}

Result<void> PcapOption::open_privileged() {
  if (path_.empty()) return {};
  auto cap = sys::open_capture_any();
  if (!cap) return std::unexpected(cap.error());
  capture_ = *cap;
  return {};
}

Result<void> PcapOption::start(asio::io_context& io, const std::vector<wire::Ipv4>& hosts) {
  if (!capture_) return {};
  auto ev = net::PcapEvidence::start(io, capture_, path_, hosts);
  capture_ = nullptr;  // owned by the evidence writer from here, also on failure
  if (!ev) return std::unexpected(ev.error());
  holder_ = std::make_unique<PcapEvidenceHolder>();
  holder_->evidence = std::move(*ev);
  return {};
}

void PcapOption::finish() {
  if (!holder_) return;
  auto n = holder_->evidence->finish();
  std::fprintf(stderr, "vpcprobe: wrote %zu packets to %s\n", n, path_.c_str());
}

std::unique_ptr<asio::signal_set> on_interrupt(asio::io_context& io, std::function<void()> on_signal) {
  auto set = std::make_unique<asio::signal_set>(io, SIGINT, SIGTERM);
  set->async_wait([fn = std::move(on_signal)](boost::system::error_code ec, int) {
    if (!ec) fn();
  });
  return set;
}

}  // namespace vpcprobe::app
