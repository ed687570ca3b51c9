#pragma once
// The witness of one path: an AF_PACKET view of every interface (before netfilter and rp_filter
// decide anything) that counts this path's own probes leaving and their answers arriving. A probe
// that never left was dropped on this host; an answer that arrived but never reached the probe's
// socket was dropped here too (a local INPUT rule, reverse-path filtering). Needs CAP_NET_RAW.
#include <cstdint>
#include <memory>
#include <vector>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/probe/operation.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::probe {

// What identifies this path's probes on the wire.
struct WitnessSpec {
  wire::IpAddr target;
  std::uint16_t echo_id = 0;                 // the raw echo identifier of the plain series
  std::uint16_t echo_seq_first = 0;          // its sequence numbers: [first, first + count)
  std::uint16_t echo_seq_count = 0;
  std::vector<std::uint16_t> tcp_sports;     // the raw SYNs' source ports
  std::uint16_t tcp_dport = 0;
};

struct WitnessCounts {
  int echo_out = 0, echo_in = 0, tcp_out = 0, tcp_in = 0;
  int out_ifindex = 0, in_ifindex = 0;       // where the first probe left, where the first answer arrived
};

class Witness : public Operation, public std::enable_shared_from_this<Witness> {
 public:
  Witness(net::Channel& channel, WitnessSpec spec) : channel_(channel), spec_(std::move(spec)) {}
  void start();
  void cancel() override;  // stops watching (idempotent)
  const WitnessCounts& counts() const { return counts_; }

 private:
  bool on_packet(const net::Received& rx);
  bool ours_out_tcp(std::uint16_t sport) const;

  net::Channel& channel_;
  WitnessSpec spec_;
  WitnessCounts counts_;
  int listener_ = 0;
  bool watching_ = false;
};

// Restricts the witness socket to IPv4 packets from or to these hosts (a kernel BPF filter), so a
// busy host's other traffic costs nothing.
Result<void> filter_hosts(net::Channel& witness, const std::vector<wire::IpAddr>& hosts);

}  // namespace vpcprobe::probe
