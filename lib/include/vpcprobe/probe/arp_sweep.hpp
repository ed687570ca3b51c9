#pragma once
// Many ARP checks as one operation: the neighbor audit's wire part. One listener (a sorted index
// finds the entry an answer belongs to), one pacing timer that keeps the packet rate exact, and a
// few bytes of state per entry. Each entry first gets a broadcast request alone: an answer from the
// cached MAC shows it current, an answer from another MAC a stale entry, two MACs a conflict. Only
// an entry whose broadcast went unanswered is asked again, by broadcast and by unicast to its
// cached MAC (which shows whether the old MAC is silent, or answers only unicast). A send the
// kernel refuses for want of buffer (ENOBUFS, EAGAIN) pauses the pacer and is counted, never
// dropped.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/probe/operation.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::probe {

struct SweepInterface {
  int ifindex = 0;
  wire::Mac mac;
  wire::Ipv4 ip;  // the source address requests name
};

struct SweepTarget {
  std::uint32_t iface = 0;  // index into the interfaces
  wire::Ipv4 ip;
  std::optional<wire::Mac> cached;
};

struct SweepSpec {
  double rate_pps = 1000;                  // requests per second, all interfaces, both rounds together
  std::chrono::milliseconds wait{1000};    // how long each round waits for an answer
  int rounds = 2;                          // broadcast alone; then broadcast + unicast to the unanswered
  // After an entry's first answer, how long the sweep keeps listening for a second MAC (a
  // conflict): grace_rtt_factor times that answer's RTT, within [grace_min, grace_max] (as the
  // neighbor layer of a diagnosis does). Only the last answers' grace adds to the sweep's time:
  // every entry hears answers until the sweep ends.
  std::chrono::microseconds grace_min{4000};
  std::chrono::microseconds grace_max{20000};
  double grace_rtt_factor = 8;
  std::function<void(std::size_t sent, std::size_t total)> progress;  // optional
};

using SweepStats = model::ArpSweepStats;

// One result per target, in the targets' order; a target that was never sent (cut short) has
// rounds == 0. Answers record at most kMaxMacs distinct MACs.
inline constexpr int kSweepMaxMacs = 4;

class ArpSweep : public Operation, public std::enable_shared_from_this<ArpSweep> {
 public:
  using Done = std::function<void(std::vector<model::ArpProbeResult>, SweepStats)>;
  static std::shared_ptr<ArpSweep> start(asio::io_context& io, net::Channel& channel, std::vector<SweepInterface> ifaces,
                                         std::vector<SweepTarget> targets, const SweepSpec& spec, Done done);
  void cancel() override;
  ~ArpSweep() override;

 private:
  ArpSweep(asio::io_context& io, net::Channel& channel, std::vector<SweepInterface> ifaces, std::vector<SweepTarget> targets,
           const SweepSpec& spec, Done done);
  struct State;
  void begin();
  void tick();
  void arm(std::chrono::steady_clock::time_point at);
  bool send(std::uint32_t index, bool unicast_too);
  bool on_frame(const net::Received& rx);
  void finish(bool interrupted);

  asio::io_context& io_;
  net::Channel& channel_;
  asio::steady_timer timer_;
  std::unique_ptr<State> s_;
  Done done_;
  int listener_ = 0;
  bool finished_ = false;
};

}  // namespace vpcprobe::probe
