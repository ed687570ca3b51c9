#pragma once
// The words the renderers share: what an ICMP error, a cause, a send error, a neighbor entry and
// its owner mean. The vocabulary of every output; usable by library users that render their own.
#include <optional>
#include <string>

#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/model/probe.hpp"

namespace vpcprobe::render {

// "host unreachable", "communication administratively prohibited", "fragmentation needed (next-hop MTU 1400)"
std::string icmp_meaning(const model::IcmpErrorInfo& e);
// "host unreachable (ICMP type 3 code 1) from 10.124.0.1"
std::string icmp_error_text(const model::IcmpErrorInfo& e);
// "send: No buffer space available (after 4 tries with back-off)"
std::string send_error_text(const model::SendError& e);
// "needs CAP_NET_RAW", "interrupted", "vpc0 has no ARP", ...
std::string describe(const model::NotRun& n);
// What a TCP probe saw, in a few words: "SYN-ACK", "RST", "connection refused", "no answer", ...
std::string tcp_detail(const model::TcpResult& t);

// "02:00:00:00:00:05 PERMANENT extern_learn" (or "no MAC ...")
std::string entry_words(const model::NeighEntry& e);
// "PERMANENT extern_learn managed"
std::string state_words(const model::NeighEntry& e);
// "an administrator, a script or a CNI (PERMANENT entries are set by hand)"
std::string owner_words(model::NeighOwner o);

std::string neigh_replace_command(const wire::IpAddr& ip, const wire::Mac& mac, const std::string& dev);
std::string neigh_delete_command(const wire::IpAddr& ip, const std::string& dev);

}  // namespace vpcprobe::render
