#include "runner.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>

#include <fmt/format.h>

#include "vpcprobe/net/pcap_evidence.hpp"
#include "vpcprobe/sys/pcap_api.hpp"
#include "vpcprobe/sys/random.hpp"

namespace vpcprobe::app {

void Output::print(std::string_view text) {
  if (closed_ || text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    // The reader went away (| head -1): nothing more to say to anybody, but the run's status stands.
    if (errno == EPIPE) closed_ = true;
  }
}

void say(const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "vpcprobe: %s\n", line.c_str());
}

namespace {
model::NamespaceTarget& global_namespace_target() {
  static model::NamespaceTarget t;
  return t;
}
}  // namespace

const model::NamespaceTarget& namespace_target() { return global_namespace_target(); }
void set_namespace_target(model::NamespaceTarget t) { global_namespace_target() = std::move(t); }

int exit_code_of(const Error& e) { return e.code == Errc::unreachable ? kExitFailing : kExitUnknown; }

struct RuntimeCore::Evidence {
  std::unique_ptr<net::PcapEvidence> writer;
};

RuntimeCore::RuntimeCore(std::string pcap_path) : identity_(sys::random_secret()), pcap_path_(std::move(pcap_path)) {
  signals_ = std::make_unique<asio::signal_set>(io_, SIGINT, SIGTERM);
  arm_signals();
}

RuntimeCore::~RuntimeCore() {
  sys::close_capture(capture_);
}

void RuntimeCore::arm_signals() {
  signals_->async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    interrupted_ = true;
    stopping_ = true;
    if (pause_) pause_->cancel();
    if (cancel_) cancel_();
    else io_.stop();
  });
}

Result<net::NetlinkClient*> RuntimeCore::netlink() {
  if (!netlink_) {
    auto nl = net::NetlinkClient::open();
    if (!nl) return std::unexpected(nl.error());
    netlink_.emplace(std::move(*nl));
  }
  return &*netlink_;
}

Result<void> RuntimeCore::open_capture() {
  if (pcap_path_.empty()) return {};
  auto cap = sys::open_capture_any();
  if (!cap) return std::unexpected(cap.error());
  capture_ = *cap;
  return {};
}

Result<void> RuntimeCore::start_capture(const std::vector<wire::IpAddr>& hosts) {
  if (!capture_) return {};
  auto ev = net::PcapEvidence::start(io_, capture_, pcap_path_, hosts);
  capture_ = nullptr;  // owned by the evidence writer from here, also on failure
  if (!ev) return std::unexpected(ev.error());
  evidence_ = std::make_unique<Evidence>();
  evidence_->writer = std::move(*ev);
  return {};
}

void RuntimeCore::finish_capture() {
  if (!evidence_) return;
  auto n = evidence_->writer->finish();
  say(fmt::format("wrote {} packets to {}", n, pcap_path_));
  evidence_.reset();
}

std::function<void(std::size_t, std::size_t)> RuntimeCore::progress_meter(const char* what, std::size_t at_least) const {
  if (!isatty(STDERR_FILENO)) return {};
  return [what = std::string(what), at_least](std::size_t done, std::size_t total) {
    if (total < at_least) return;
    std::fprintf(stderr, "\r%s %zu/%zu", what.c_str(), done, total);
    if (done == total) std::fprintf(stderr, "\r%*s\r", 40, "");
  };
}

void RuntimeCore::run() {
  if (stopping_) return;  // everything already finished (or was interrupted) before the loop ran
  io_.run();
}

void RuntimeCore::stop() {
  stopping_ = true;
  if (pause_) pause_->cancel();
  io_.stop();
}

void RuntimeCore::repeat(std::chrono::milliseconds interval, long rounds, std::function<void(std::function<void()>)> round) {
  pause_ = std::make_unique<asio::steady_timer>(io_);
  auto done_rounds = std::make_shared<long>(0);
  auto next = std::make_shared<std::function<void()>>();
  *next = [this, interval, rounds, round, done_rounds, next] {
    if (stopping_) return;
    round([this, interval, rounds, done_rounds, next] {
      ++*done_rounds;
      if (stopping_ || out_.closed() || (rounds > 0 && *done_rounds >= rounds)) return stop();
      pause_->expires_after(interval);
      pause_->async_wait([next](boost::system::error_code ec) {
        if (!ec) (*next)();
      });
    });
  };
  asio::post(io_, [next] { (*next)(); });
  run();
  *next = nullptr;  // the lambda holds itself: let go
}

}  // namespace vpcprobe::app
