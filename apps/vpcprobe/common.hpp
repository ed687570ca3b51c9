#pragma once
// What every subcommand shares: one-line errors, exit codes, option checks.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/reports.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/wire/addr.hpp"

struct pcap;
namespace CLI {
class App;
}

namespace vpcprobe::app {

class PcapEvidenceHolder;

inline constexpr int kExitOk = 0, kExitDegraded = 1, kExitFailing = 2, kExitUnknown = 3;

// Prints "vpcprobe: <message>" as one line on stderr and returns the exit code.
int report_error(const std::string& message, int exit_code);
// Bad input and missing privilege are exit 3; anything else that stopped a check from running too.
int report_error(const Error& e);

// Option checks return a message for report_error, or nothing when the value is fine.
Result<void> check_count(const char* name, long value, long max);
Result<void> check_seconds(const char* name, double value, double min, double max);

Result<void> check_interface(const std::string& name);

// Splits "HOST:PORT" (the port is optional unless required); checks both parts.
struct HostPort {
  std::string host;
  std::optional<std::uint16_t> port;
};
Result<HostPort> parse_host_port(const std::string& text, const char* what);

// Resolves what the user typed. On failure returns the exit code after printing the one line:
// 3 for bad input, 2 for a valid name that does not resolve.
Result<model::TargetInfo> resolve_target(const std::string& text);
int report_resolve_error(const Error& e);

// "5432", "5432,5433", "1-3" -> ports; every one 1..65535.
Result<std::vector<std::uint16_t>> parse_ports(const std::string& text);

// File descriptors this process may still open (RLIMIT_NOFILE minus those open, minus a reserve).
std::size_t descriptors_available();

// Writes to stdout now (so lines show up as results arrive); EPIPE (| head) is not an error.
void print(const std::string& text);

// The --pcap option, worded the same on every probing command.
void add_pcap_option(CLI::App& cmd, std::string& path);

// --pcap FILE on every probing command: the capture is opened with the other privileged
// resources, the file is written after privileges are dropped.
class PcapOption {
 public:
  explicit PcapOption(const std::string& path);
  ~PcapOption();
  Result<void> open_privileged();                                             // before drop_privileges()
  Result<void> start(asio::io_context& io, const std::vector<wire::Ipv4>& hosts);  // before probing
  void finish();                                                              // after probing
 private:
  std::string path_;
  ::pcap* capture_ = nullptr;
  std::unique_ptr<PcapEvidenceHolder> holder_;
};

// SIGINT/SIGTERM run on_signal once on the io_context (the summary so far is then printed).
std::unique_ptr<asio::signal_set> on_interrupt(asio::io_context& io, std::function<void()> on_signal);

}  // namespace vpcprobe::app
