#pragma once
// ARP who-has as an async operation on the shared io_context: `count` rounds `interval` apart,
// each a broadcast request and, when a MAC is cached, a unicast request to that MAC; replies are
// matched strictly and collected until `wait` after the last round (or a short grace after the last
// round was answered).
//
// For an IPv6 target the same operation speaks NDP (RFC 4861) on a packet socket of its own
// (sys::open_ndp_socket): the "broadcast" is a Neighbor Solicitation to the target's
// solicited-node group (and its 33:33 MAC), the unicast one goes to the target's address at the
// cached MAC; an answer is a Neighbor Advertisement with hop limit 255, a good checksum, our
// address as destination, the target we asked for and the Solicited flag, its MAC from the target
// link-layer option (else the frame's source) and its R/S/O flags kept.
#include <chrono>
#include <functional>
#include <optional>

#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/probe/operation.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::probe {

struct ArpSpec {
  int ifindex = 0;
  wire::Mac our_mac;
  wire::IpAddr our_ip;  // one family: IPv4 (ARP) or IPv6 (NDP)
  wire::IpAddr target;
  std::optional<wire::Mac> unicast_to;
  int count = 3;
  std::chrono::milliseconds interval{200};
  std::chrono::milliseconds wait{1000};
  bool finish_when_answered = false;  // stop after the first answered round (plus a short grace)
  // The grace: how long to keep listening for a second MAC (an IP conflict) once the awaited
  // answers are in: grace_rtt_factor times the slowest reply, within [grace_min, grace_max].
  std::chrono::microseconds grace_min{20000};
  std::chrono::microseconds grace_max{200000};
  double grace_rtt_factor = 4;
};

// One neighbor's check within `timeout`, as a diagnosis and the IPv6 neighbor audit make it: two
// rounds (the second only when the first went unanswered), then a short grace for a second MAC —
// 8 RTTs within [4, 20] ms (`vpcprobe arp` keeps 20-200 ms): a healthy check is not held 20 ms for
// it, and the window listened is in the evidence. The caller fills in who asks whom.
ArpSpec quick_check_spec(std::chrono::milliseconds timeout);

// cancel() ends it at once with what it has so far.
OperationPtr async_arp(asio::io_context& io, net::Channel& channel, const ArpSpec& spec,
                       std::function<void(model::ArpProbeResult)> done);

}  // namespace vpcprobe::probe
