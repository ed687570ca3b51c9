#pragma once
// One round of the neighbor audit, composed from the kernel's table (probe), the wire (probe) and
// the rules (diag): read the table, mark what cannot be verified, ARP-probe the rest at once under
// a rate, classify, plan and apply the fixes, read the table again, count. `vpcprobe neigh` runs
// it once or every --watch interval; `vpcprobe check` runs one per [[neigh]] audit.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/probe/neigh_audit.hpp"

namespace vpcprobe::run {

struct AuditSpec {
  int ifindex = 0;                          // 0: every interface
  model::FamilyPolicy families;             // IPv4 and IPv6 entries (`ip neigh`), or one with -4/-6
  bool verify = false;                      // probe on the wire (needs an ARP channel)
  double rate_pps = 1000;
  std::chrono::milliseconds timeout{1000};
  std::optional<model::FixMode> fix;        // repair stale entries (or, with dry_run, say how)
  bool force = false;
  bool dry_run = false;
  bool health = false;                      // judge the neighbor subsystem too (tables, counters, settings)
  bool watch = false;                       // counters also as increases (this round, the whole run)
  const std::vector<model::NeighTable>* previous = nullptr;   // the previous round's reading
  const std::vector<model::NeighTable>* run_start = nullptr;  // the run's first reading
  std::function<void(std::size_t, std::size_t)> progress;   // optional
  std::function<void(const model::NeighAudit&)> on_change;  // every write attempted (for the log)
};

class AuditRound : public std::enable_shared_from_this<AuditRound> {
 public:
  using Done = std::function<void(Result<model::NeighReport>)>;
  // Reads the table now; the rest runs on io. `done` runs once (from io, never inline); nl and arp
  // must outlive the round.
  // ndp: the IPv6 entries' channel (sys::open_ndp_socket); without it they stay unchecked.
  static std::shared_ptr<AuditRound> start(asio::io_context& io, net::NetlinkClient& nl, net::Channel* arp, AuditSpec spec,
                                           Done done, net::Channel* ndp = nullptr);
  // Ends the wire checks now; what answered so far is classified, the rest stays unchecked.
  void cancel();

 private:
  AuditRound(asio::io_context& io, net::NetlinkClient& nl, net::Channel* arp, net::Channel* ndp, AuditSpec spec, Done done);
  void begin();
  void finish();

  asio::io_context& io_;
  net::NetlinkClient& nl_;
  net::Channel* arp_;
  net::Channel* ndp_;
  AuditSpec spec_;
  Done done_;
  probe::AuditTable table_;
  probe::OperationPtr sweep_, ndp_sweep_;
  int waiting_ = 0;  // wire checks still running
  std::optional<model::ArpSweepStats> sweep_stats_;
  std::optional<std::vector<model::NeighTable>> start_tables_;  // --watch, first round: read at its start
  std::chrono::steady_clock::time_point started_;
  bool finished_ = false;
};

}  // namespace vpcprobe::run
