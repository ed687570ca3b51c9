#pragma once
// What an ARP probe saw, what it means for the neighbor entry, and the report `vpcprobe arp`
// renders. NeighFinding is the one vocabulary for "what the wire said about a neighbor entry",
// shared by `arp`, the neighbor layer of `diagnose` and the `neigh` audit.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/model/status.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::model {

struct ArpReply {
  wire::Mac mac;        // ARP sender hardware address: who claims the IP
  wire::Mac eth_src;    // Ethernet source of the frame (differs under proxy ARP)
  double rtt_ms = 0;    // kernel receive time minus the send time of the latest request
  int round = 0;        // which request round it arrived in (0-based)
  bool unicast = false; // attributed to the unicast request to the cached MAC
  std::optional<std::uint16_t> vlan;
  // IPv6 (NDP): the Neighbor Advertisement's flags; absent for ARP.
  struct NdpFlags {
    bool router = false, solicited = false, override_flag = false;
    bool operator==(const NdpFlags&) const = default;
  };
  std::optional<NdpFlags> ndp;
};

struct ArpProbeResult {
  int rounds = 0;
  int broadcast_sent = 0;
  int unicast_sent = 0;
  std::vector<ArpReply> replies;
  std::uint64_t rejected = 0;  // ARP frames seen on the socket that answered nothing we asked
  std::vector<SendError> send_errors;
  double elapsed_ms = 0;
  bool interrupted = false;    // cut short (a signal, a deadline) before its last round's wait ended
  // How long it listened for another MAC after the awaited answers were in (the grace; 0 when it
  // listened until its full wait ended instead).
  double listened_after_answer_ms = 0;

  std::vector<wire::Mac> answering_macs() const;  // distinct, in order of first reply
  int answered_rounds() const;
  bool mac_answered(const wire::Mac& m) const;
};

enum class NeighFinding {
  consistent = 1,   // the cached MAC answers (or nothing cached and one MAC answers)
  stale,            // another MAC answers; the cache points at one that does not
  silent,           // nobody answers
  conflict,         // two or more MACs answer for the IP
};
std::string neigh_finding_name(NeighFinding f);  // "consistent", "stale", "silent", "conflict"

// The `vpcprobe arp` verdict; render/ puts it into words from the report's facts.
struct ArpVerdict {
  Status status = Status::unknown;
  NeighFinding finding = NeighFinding::silent;
  bool kernel_heals = true;
  NeighOwner owner = NeighOwner::kernel;
  std::optional<wire::Mac> cached;    // the usable MAC the kernel held before probing
  std::optional<wire::Mac> answering; // the one MAC that answered (consistent, stale)
  bool cached_silent = false;         // stale: the cached MAC ignored our unicast requests
  bool relearned = false;             // the kernel's entry changed during the probe (our own request re-taught it)
};

struct ArpReport {
  wire::IpAddr target;
  std::string target_name;  // as the user typed it
  std::string interface;
  int ifindex = 0;
  wire::IpAddr source_ip;
  wire::Mac source_mac;
  std::optional<wire::IpAddr> route_gateway;  // set when the kernel would not send to target on-link
  std::optional<NeighEntry> before;
  std::optional<NeighEntry> after;
  ArpProbeResult probe;
  ArpVerdict verdict;
  bool interrupted = false;
};

}  // namespace vpcprobe::model
