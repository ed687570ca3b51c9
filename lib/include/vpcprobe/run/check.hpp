#pragma once
// `vpcprobe check`: every target's diagnosis and every [[neigh]] audit of a targets file at once,
// on one io_context and one set of sockets, under one deadline. Composes the diagnosis session
// (probe/session) and the audit round (run/audit) with the verdicts (diag).
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "vpcprobe/config/targets.hpp"
#include "vpcprobe/model/check.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/probe/session.hpp"
#include "vpcprobe/run/audit.hpp"

namespace vpcprobe::run {

// The report's skeleton: a diagnosis per target (its paths as typed, with the file's default
// port) and an audit per [[neigh]] table.
model::CheckReport plan_check(const config::Targets& targets, double timeout_s);

struct CheckSpec {
  double rate_pps = 1000;                   // packets per second, all targets together (approximate)
  std::chrono::milliseconds timeout{1000};  // each probe's wait
  std::chrono::steady_clock::time_point dns_deadline;
  int count = 5;                            // the probe series' length
};

class CheckRun {
 public:
  // Resolves the names and reads the kernel's view now, then starts every diagnosis and audit on
  // io; `done` runs once all have finished (or, after cut(), stopped). report, nl and channels
  // must outlive the run.
  static Result<std::unique_ptr<CheckRun>> start(asio::io_context& io, net::NetlinkClient& nl,
                                                 probe::DiagnosisChannels& channels, const wire::Identity& identity,
                                                 model::CheckReport& report, const CheckSpec& spec, std::function<void()> done);
  // The deadline or a signal: what still runs ends now; the audits keep what answered, the
  // diagnoses say what was not tested.
  void cut();
  // Reads the neighbor entries again, judges every diagnosis and concludes the report; an audit
  // whose table could not be read is the run's error.
  Result<void> conclude(std::chrono::steady_clock::time_point started);

 private:
  CheckRun(net::NetlinkClient& nl, model::CheckReport& report) : nl_(nl), report_(report) {}
  void one_done();

  net::NetlinkClient& nl_;
  model::CheckReport& report_;
  std::vector<model::Diagnosis*> diags_;
  std::vector<std::shared_ptr<AuditRound>> rounds_;
  std::shared_ptr<probe::Schedule> schedule_;
  std::function<void()> done_;
  std::optional<Error> fatal_;
  int pending_ = 0;
  bool diagnoses_done_ = false;
  bool cut_short_ = false;
};

}  // namespace vpcprobe::run
