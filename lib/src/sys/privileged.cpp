#include "vpcprobe/sys/privileged.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vpcprobe::sys {

namespace {

cap_value_t to_cap(Cap c) { return c == Cap::net_raw ? CAP_NET_RAW : CAP_NET_ADMIN; }
const char* cap_name(Cap c) { return c == Cap::net_raw ? "CAP_NET_RAW" : "CAP_NET_ADMIN"; }

Result<UniqueFd> open_socket(int domain, int type, int protocol, Cap needed, const char* what) {
  int fd = ::socket(domain, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
  if (fd < 0) {
    int err = errno;
    if (err == EPERM || err == EACCES)
      return fail(Errc::permission, fmt::format("{} needs {}: {}", what, cap_name(needed), how_to_get(needed)));
    return fail(Errc::system, fmt::format("{}: socket: {}", what, std::strerror(err)));
  }
  return UniqueFd(fd);
}

}  // namespace

Result<UniqueFd> open_arp_socket() {
  return open_socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP), Cap::net_raw, "sending ARP");
}

bool has_effective(Cap cap) {
  cap_t caps = cap_get_proc();
  if (!caps) return false;
  cap_flag_value_t v = CAP_CLEAR;
  cap_get_flag(caps, to_cap(cap), CAP_EFFECTIVE, &v);
  cap_free(caps);
  return v == CAP_SET;
}

Result<void> drop_privileges(KeepCaps keep) {
  // Leaving setuid root first: the kernel clears capabilities on the uid change unless asked not to.
  if (keep.net_admin) prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
  uid_t ruid = getuid();
  gid_t rgid = getgid();
  if (getegid() != rgid && setresgid(rgid, rgid, rgid) != 0)
    return fail(Errc::system, fmt::format("setresgid: {}", std::strerror(errno)));
  if (geteuid() != ruid && setresuid(ruid, ruid, ruid) != 0)
    return fail(Errc::system, fmt::format("setresuid: {}", std::strerror(errno)));

  cap_t caps = cap_init();  // all clear
  if (!caps) return fail(Errc::system, "cap_init failed");
  if (keep.net_admin) {
    cap_value_t admin[] = {CAP_NET_ADMIN};
    bool had = has_effective(Cap::net_admin);
    if (had) {
      cap_set_flag(caps, CAP_PERMITTED, 1, admin, CAP_SET);
      cap_set_flag(caps, CAP_EFFECTIVE, 1, admin, CAP_SET);
    }
  }
  int rc = cap_set_proc(caps);
  cap_free(caps);
  if (rc != 0) return fail(Errc::system, fmt::format("cap_set_proc: {}", std::strerror(errno)));
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  // Nothing we exec (we exec nothing) may gain privileges back.
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  return {};
}

std::string how_to_get(Cap cap) {
  return fmt::format(
      "run as root, grant it with `setcap {}+ep $(command -v vpcprobe)`, or in Kubernetes use "
      "`kubectl debug node/NAME --profile=netadmin`",
      cap == Cap::net_raw ? "cap_net_raw" : "cap_net_admin");
}

}  // namespace vpcprobe::sys
