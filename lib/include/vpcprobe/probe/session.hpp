#pragma once
// Many diagnoses on one io_context, sharing one set of sockets: `vpcprobe diagnose` runs one,
// `vpcprobe check` many. Order of use: open_diagnosis_sockets() while privileged, drop privileges,
// prepare() (names and the kernel's view), DiagnosisChannels::create(), start(), run the
// io_context, conclude().
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/probe/identity.hpp"
#include "vpcprobe/probe/operation.hpp"
#include "vpcprobe/probe/path.hpp"
#include "vpcprobe/sys/fd.hpp"

namespace vpcprobe::probe {

struct DiagnosisSockets {
  std::optional<sys::UniqueFd> arp, icmp, icmp_df, tcp;
  model::ProbeMethod icmp_method = model::ProbeMethod::raw;
  std::string arp_missing, icmp_missing;
};
// Opens what this process may open; what it may not is recorded as the reason a layer is not tested.
DiagnosisSockets open_diagnosis_sockets();

class DiagnosisChannels {
 public:
  static Result<std::unique_ptr<DiagnosisChannels>> create(asio::io_context& io, DiagnosisSockets sockets,
                                                           const Identity& identity);
  const PathSockets& sockets() const { return ps_; }
  net::Channel* arp() const { return ps_.arp; }  // shared with neighbor audits

 private:
  DiagnosisChannels() = default;
  std::optional<net::Channel> arp_, icmp_, icmp_df_, tcp_;
  PathSockets ps_;
};

// Resolves every name at once (each bounded by dns_deadline) and reads the kernel's view of each path.
void prepare(const std::vector<model::Diagnosis*>& diags, std::chrono::steady_clock::time_point dns_deadline,
             net::NetlinkClient& nl);

// Starts the paths `gap` apart (a global rate limit); `done` runs when every path has finished.
std::shared_ptr<Schedule> start(asio::io_context& io, const DiagnosisChannels& channels, const Identity& identity,
                                const std::vector<model::Diagnosis*>& diags, std::chrono::milliseconds timeout,
                                Schedule::Duration gap, std::function<void()> done);

// Reads the neighbor entries again, marks what did not finish as not tested (interrupted or cut by
// the deadline), and judges every diagnosis.
void conclude(const std::vector<model::Diagnosis*>& diags, net::NetlinkClient& nl, bool cut_short,
              std::chrono::steady_clock::time_point started);

}  // namespace vpcprobe::probe
