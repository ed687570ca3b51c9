#pragma once
// The only place that opens privileged sockets and changes capabilities (checked by
// tests/lint/privileged_calls.sh). Order of use: open what the command needs, then drop_privileges()
// before the first packet from the network is parsed.
#include <string>

#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/model/run_context.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/sys/fd.hpp"
#include "vpcprobe/sys/socket_options.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::sys {

// AF_PACKET raw socket receiving ARP frames (needs CAP_NET_RAW).
// receive_buffer: bytes to ask for beyond the default 4 MiB (a sweep of many entries at a high
// rate gets answers in a burst); the copies of our own requests are not queued to it at all.
Result<UniqueFd> open_arp_socket(std::size_t receive_buffer = 0);
// AF_PACKET raw socket for Neighbor Discovery (needs CAP_NET_RAW): sends whole frames, and a
// filter in the kernel lets only ICMPv6 Neighbor Advertisements without extension headers in.
Result<UniqueFd> open_ndp_socket(std::size_t receive_buffer = 0);
// AF_PACKET datagram socket seeing the IPv4 packets of every interface, both ways, without their
// link headers (needs CAP_NET_RAW): the witness of what left and what arrived.
Result<UniqueFd> open_witness_socket();

struct IcmpSocket {
  UniqueFd fd;
  model::ProbeMethod method = model::ProbeMethod::raw;
};
// A raw ICMP socket of the family when CAP_NET_RAW is there; otherwise (if allowed) an
// unprivileged ping socket; if neither, a permission error naming both ways in. The options are
// applied while still privileged (SO_BINDTODEVICE needs it on older kernels).
Result<IcmpSocket> open_icmp_socket(wire::Family family, SocketOptions opts, bool allow_unprivileged = true);
// A raw TCP socket for SYN probes (needs CAP_NET_RAW).
Result<UniqueFd> open_tcp_raw_socket(wire::Family family, SocketOptions opts);
// A libpcap live capture on every interface ("any", cooked headers), activated now (needs
// CAP_NET_RAW); the filter and the dump file come later, after privileges are dropped.
}  // namespace vpcprobe::sys
struct pcap;
namespace vpcprobe::sys {
Result<pcap*> open_capture_any();

// --netns NAME|PATH, --pid PID: moves this (still single-threaded) process into that network
// namespace before any socket is opened (setns, needs CAP_SYS_ADMIN, dropped with the rest
// afterwards), and makes names resolve as they would there: for a name under /run/netns, the files
// of /etc/netns/NAME are bind-mounted over /etc (as `ip netns exec` does); for a process, its own
// /etc/hosts and /etc/resolv.conf (through /proc/PID/root), in a mount namespace of our own.
// Nothing to do for Kind::none. Errors: invalid_argument (no such namespace or process, not a
// network namespace) and permission (no CAP_SYS_ADMIN), each one line.
Result<model::RunContext> enter_namespace(const model::NamespaceTarget& target);

// The range of groups allowed to open ping sockets, as the sysctl shows it ("1 0" = nobody).
std::string ping_group_range();

enum class Cap { net_raw, net_admin };
bool has_effective(Cap cap);

struct KeepCaps {
  bool net_admin = false;  // for commands that change the neighbor table, until they are done
};
// Drops every capability not named in keep from all sets, forbids regaining them, and, when the
// process runs setuid-root, returns to the real uid. Idempotent.
Result<void> drop_privileges(KeepCaps keep = {});

// One line that tells the operator how to get a capability.
std::string how_to_get(Cap cap);

}  // namespace vpcprobe::sys
