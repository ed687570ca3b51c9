#pragma once
// What this process may do, layer by layer, and why not: read from /proc/self/status and the
// ping_group_range sysctl, and confirmed by opening (never using) each privileged socket kind.
#include <string>
#include <vector>

namespace vpcprobe::sys {

struct ProcessPrivileges {
  unsigned uid = 0, euid = 0, gid = 0;
  std::string cap_eff, cap_prm, cap_bnd;  // hex masks as /proc shows them
  bool no_new_privs = false;
  std::string ping_group_range;
};
ProcessPrivileges read_privileges();

struct CapabilityLine {
  std::string area;       // "neighbor (ARP)", "network (ICMP echo)", ...
  std::string used_by;    // commands and layers that need it
  bool full = false;      // works with the best method
  bool available = false; // works at all (possibly with a fallback)
  std::string how;        // method that will run, or why nothing can
};
// Opens each socket kind once and closes it: call before privileges are dropped.
std::vector<CapabilityLine> self_check(const ProcessPrivileges& p);

}  // namespace vpcprobe::sys
