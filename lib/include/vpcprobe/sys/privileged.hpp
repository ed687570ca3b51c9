#pragma once
// The only place that opens privileged sockets and changes capabilities (checked by
// tests/lint/privileged_calls.sh). Order of use: open what the command needs, then drop_privileges()
// before the first packet from the network is parsed.
#include <string>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/sys/fd.hpp"

namespace vpcprobe::sys {

// AF_PACKET raw socket receiving ARP frames (needs CAP_NET_RAW).
Result<UniqueFd> open_arp_socket();

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
