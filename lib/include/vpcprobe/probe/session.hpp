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
#include "vpcprobe/wire/identity.hpp"
#include "vpcprobe/probe/operation.hpp"
#include "vpcprobe/probe/path.hpp"
#include "vpcprobe/sys/fd.hpp"

namespace vpcprobe::probe {

// The sockets of one address family: echo, DF echo, raw TCP.
struct FamilySockets {
  bool wanted = false;
  std::optional<sys::UniqueFd> icmp, icmp_df, tcp;
  model::ProbeMethod icmp_method = model::ProbeMethod::raw;
  std::optional<model::NotRun> icmp_missing, icmp_df_missing;
};
struct DiagnosisSockets {
  std::optional<sys::UniqueFd> arp, ndp, witness;
  std::optional<model::NotRun> arp_missing, ndp_missing;
  FamilySockets v4, v6;
};
// Opens what this process may open, for each family the run may probe (both for names, unless
// -4/-6); what it may not is recorded as the reason a layer is not tested. Errors other than a
// missing privilege (e.g. too many open files) end the run; a family the kernel does not have
// (IPv6 disabled) is recorded as such.
Result<DiagnosisSockets> open_diagnosis_sockets(model::FamilyPolicy families = {});

class DiagnosisChannels {
 public:
  static Result<std::unique_ptr<DiagnosisChannels>> create(asio::io_context& io, DiagnosisSockets sockets,
                                                           const wire::Identity& identity);
  const PathSockets& sockets() const { return ps_; }
  net::Channel* arp() const { return ps_.arp; }  // shared with neighbor audits
  net::Channel* ndp() const { return ps_.ndp; }
  std::uint64_t send_retries() const;
  // The witness sees only packets from or to these hosts (the resolved targets).
  Result<void> watch_hosts(const std::vector<wire::IpAddr>& hosts);
  ~DiagnosisChannels();  // closes the two packet sockets side by side
  DiagnosisChannels(const DiagnosisChannels&) = delete;
  DiagnosisChannels& operator=(const DiagnosisChannels&) = delete;

 private:
  DiagnosisChannels() = default;
  std::unique_ptr<net::Channel> arp_, ndp_, icmp_, icmp_df_, tcp_, icmp6_, icmp6_df_, tcp6_, witness_;
  PathSockets ps_;
};

// Resolves every name at once (each bounded by dns_deadline) and reads the kernel's view of each path.
void prepare(const std::vector<model::Diagnosis*>& diags, std::chrono::steady_clock::time_point dns_deadline,
             net::NetlinkClient& nl, model::FamilyPolicy families = {});

// The addresses the paths resolved to (for the --pcap filter).
std::vector<wire::IpAddr> targets_of(const std::vector<model::Diagnosis*>& diags);

// Starts the paths `gap` apart (a global rate limit); `done` runs when every path has finished.
std::shared_ptr<Schedule> start(asio::io_context& io, const DiagnosisChannels& channels, const wire::Identity& identity,
                                const std::vector<model::Diagnosis*>& diags, const PathPlan& plan, Schedule::Duration gap,
                                std::function<void()> done);

// Reads the neighbor entries again (and what the kernel says of the witness's observations), marks
// what did not finish as interrupted (cut short by a signal or the deadline); the diagnoses are
// then ready for diag::judge.
void conclude(const std::vector<model::Diagnosis*>& diags, net::NetlinkClient& nl, bool cut_short,
              std::chrono::steady_clock::time_point started);

}  // namespace vpcprobe::probe
