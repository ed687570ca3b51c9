#pragma once
// The witness of one path: an AF_PACKET view of every interface (before netfilter and rp_filter
// decide anything) that counts this path's own probes leaving and their answers arriving. A probe
// that never left was dropped on this host; an answer that arrived but never reached the probe's
// socket was dropped here too (a local INPUT rule, reverse-path filtering). Needs CAP_NET_RAW.
#include <cstdint>
#include <memory>
#include <optional>
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

// Distinct probes, not packets: on a bond, a bridge or a VLAN the same packet passes two devices,
// and a SYN-ACK may be retransmitted.
struct WitnessCounts {
  int echo_out = 0, echo_in = 0, tcp_out = 0, tcp_in = 0;
  std::vector<int> out_ifindexes, in_ifindexes;  // every device they were seen on, in order
};

class Witness : public Operation, public std::enable_shared_from_this<Witness> {
 public:
  Witness(net::Channel& channel, WitnessSpec spec);
  void start();
  void cancel() override;  // stops watching (idempotent)
  const WitnessCounts& counts() const { return counts_; }

 private:
  bool on_packet(const net::Received& rx);
  std::optional<std::size_t> sport_index(std::uint16_t sport) const;

  net::Channel& channel_;
  WitnessSpec spec_;
  WitnessCounts counts_;
  // which probes were seen: echo by sequence offset, SYN by source-port index
  std::vector<bool> echo_seen_out_, echo_seen_in_, tcp_seen_out_, tcp_seen_in_;
  int listener_ = 0;
  bool watching_ = false;
};

// Restricts the witness socket to IPv4 packets from or to these hosts (a kernel BPF filter), so a
// busy host's other traffic costs nothing.
Result<void> filter_hosts(net::Channel& witness, const std::vector<wire::IpAddr>& hosts);

}  // namespace vpcprobe::probe
