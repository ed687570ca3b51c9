#pragma once
// Where a run was made: the network namespace it entered (--netns, --pid) and where names were
// resolved from. Empty fields: the process's own namespace and this host's /etc.
#include <string>

namespace vpcprobe::model {

struct NamespaceTarget {
  enum class Kind { none, netns, pid };
  Kind kind = Kind::none;
  std::string value;  // a name under /run/netns, a path, or a PID
};

struct RunContext {
  std::string netns;       // as given: "NAME", "/proc/123/ns/net", "pid 123"; empty = our own
  std::string netns_path;  // the file entered
  std::string resolver;    // where /etc/hosts and /etc/resolv.conf came from ("" = this host's /etc)
  bool entered() const { return !netns.empty(); }
};

}  // namespace vpcprobe::model
