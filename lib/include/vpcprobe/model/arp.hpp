#pragma once
// What an ARP probe saw, and the report `vpcprobe arp` renders.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/netinfo.hpp"
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
};

struct ArpProbeResult {
  int rounds = 0;
  int broadcast_sent = 0;
  int unicast_sent = 0;
  std::vector<ArpReply> replies;
  std::uint64_t rejected = 0;  // ARP frames seen on the socket that answered nothing we asked
  std::vector<std::string> send_errors;
  double elapsed_ms = 0;

  std::vector<wire::Mac> answering_macs() const;  // distinct, in order of first reply
  int answered_rounds() const;
  bool mac_answered(const wire::Mac& m) const;
};

enum class ArpFinding {
  consistent = 1,   // the cached MAC answers (or nothing cached and someone answers)
  stale_entry,      // the cache points at a MAC that does not answer; another MAC does
  silent,           // nobody answers
  conflict,         // two or more MACs answer for the IP
};
std::string arp_finding_name(ArpFinding f);

struct ArpVerdict {
  Status status = Status::unknown;
  ArpFinding finding = ArpFinding::silent;
  std::string headline;              // "STALE NEIGHBOR ENTRY", ...
  std::vector<std::string> details;  // plain sentences
  std::optional<std::string> fix;    // the command that repairs it
  bool kernel_heals = true;
};

struct ArpReport {
  wire::Ipv4 target;
  std::string target_name;  // as the user typed it
  std::string interface;
  int ifindex = 0;
  wire::Ipv4 source_ip;
  wire::Mac source_mac;
  std::optional<wire::Ipv4> route_gateway;  // set when the kernel would not send to target on-link
  std::optional<NeighEntry> before;
  std::optional<NeighEntry> after;
  ArpProbeResult probe;
  ArpVerdict verdict;
};

}  // namespace vpcprobe::model
