#include "vpcprobe/sys/privileged.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "vpcprobe/sys/limits.hpp"
#include "vpcprobe/sys/pcap_api.hpp"

namespace vpcprobe::sys {

namespace {

cap_value_t to_cap(Cap c) { return c == Cap::net_raw ? CAP_NET_RAW : CAP_NET_ADMIN; }
const char* cap_name(Cap c) { return c == Cap::net_raw ? "CAP_NET_RAW" : "CAP_NET_ADMIN"; }

// Raw sockets see every packet of their kind: a roomy buffer rides out bursts. SO_RCVBUFFORCE goes
// past net.core.rmem_max while we still hold CAP_NET_ADMIN; otherwise the plain (capped) request.
Result<void> roomy_receive_buffer(int fd) {
  int size = 4 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) == 0) return {};
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == 0) return {};
  return fail(Errc::system, fmt::format("cannot set SO_RCVBUF: {}", std::strerror(errno)));
}

Result<UniqueFd> open_socket(int domain, int type, int protocol, Cap needed, const char* what) {
  int fd = ::socket(domain, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
  if (fd < 0) {
    int err = errno;
    if (err == EPERM || err == EACCES)
      return fail(Errc::permission, fmt::format("{} needs {}: {}", what, cap_name(needed), how_to_get(needed)));
    if (err == EMFILE || err == ENFILE)
      return fail(Errc::system, "too many open files: `ulimit -n` is too low for vpcprobe (it needs about 16)");
    return fail(Errc::system, fmt::format("{}: socket: {}", what, std::strerror(err)), err);
  }
  UniqueFd owned(fd);
  if (type == SOCK_RAW || domain == AF_PACKET)
    if (auto ok = roomy_receive_buffer(fd); !ok) return std::unexpected(ok.error());
  return owned;
}

int af_of(wire::Family f) { return f == wire::Family::v4 ? AF_INET : AF_INET6; }
int icmp_protocol(wire::Family f) { return f == wire::Family::v4 ? int{IPPROTO_ICMP} : int{IPPROTO_ICMPV6}; }

}  // namespace

Result<pcap*> open_capture_any() {
  auto api = pcap_api();
  if (!api) return std::unexpected(api.error());
  const PcapApi& pc = **api;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pc.pcap_create("any", errbuf);
  if (!p) return fail(Errc::system, fmt::format("--pcap: {}", errbuf));
  // In immediate mode every ring slot is snaplen bytes: a 256 KiB default would leave room for a
  // handful of packets. Jumbo-sized slots in an 8 MiB ring hold a whole diagnosis.
  if (pc.pcap_set_snaplen(p, 9216) != 0 || pc.pcap_set_buffer_size(p, 8 << 20) != 0 || pc.pcap_set_immediate_mode(p, 1) != 0 ||
      pc.pcap_set_timeout(p, 10) != 0) {
    pc.pcap_close(p);
    return fail(Errc::system, "--pcap: cannot configure the capture");
  }
  int rc = pc.pcap_activate(p);
  if (rc == PCAP_ERROR_PERM_DENIED) {
    pc.pcap_close(p);
    return fail(Errc::permission, fmt::format("--pcap needs CAP_NET_RAW to capture: {}", how_to_get(Cap::net_raw)));
  }
  if (rc < 0) {
    std::string msg = pc.pcap_geterr(p);
    pc.pcap_close(p);
    return fail(Errc::system, fmt::format("--pcap: cannot capture: {}", msg));
  }
  return p;
}

namespace {

bool is_file(const std::string& p) {
  struct stat st{};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A copy of a file that lives in another mount namespace (a process's root through /proc/PID/root
// cannot be the source of a bind mount here): written to an unlinked-after-use temporary file.
Result<std::string> copy_to_temp(const std::string& from) {
  auto read = read_file_capped(from, 1 << 20);  // the process's files are not ours: bounded
  if (!read) return fail(Errc::system, fmt::format("cannot copy {}: {}", from, read.error().message));
  const std::string& content = *read;
  for (const char* dir : {"/dev/shm", "/tmp", "/run"}) {
    std::string path = std::string(dir) + "/vpcprobe-etc-XXXXXX";
    const int fd = ::mkstemp(path.data());
    if (fd < 0) continue;
    UniqueFd owned(fd);
    if (::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()) || ::fchmod(fd, 0644) != 0) {
      ::unlink(path.c_str());
      continue;
    }
    return path;
  }
  return fail(Errc::system, fmt::format("no writable /dev/shm, /tmp or /run for a copy of {}", from));
}

// Bind-mounts each FROM over its TO in a mount namespace of our own (made once; mounts do not
// propagate back to the host). copy: FROM is in another mount namespace; bind a copy of it.
Result<void> bind_over_etc(const std::vector<std::pair<std::string, std::string>>& binds, bool copy) {
  if (binds.empty()) return {};
  if (::unshare(CLONE_NEWNS) != 0)
    return fail(errno == EPERM ? Errc::permission : Errc::system,
                fmt::format("cannot make a mount namespace for the target's name resolution: {}", std::strerror(errno)));
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0)
    return fail(Errc::system, fmt::format("mount --make-rslave /: {}", std::strerror(errno)));
  for (const auto& [from, to] : binds) {
    std::string source = from;
    if (copy) {
      auto tmp = copy_to_temp(from);
      if (!tmp) return std::unexpected(tmp.error());
      source = *tmp;
    }
    const int rc = ::mount(source.c_str(), to.c_str(), nullptr, MS_BIND, nullptr);
    const int err = errno;
    if (copy) ::unlink(source.c_str());  // the bind mount keeps the file
    if (rc != 0) return fail(Errc::system, fmt::format("bind {} over {}: {}", from, to, std::strerror(err)));
  }
  return {};
}

}  // namespace

Result<model::RunContext> enter_namespace(const model::NamespaceTarget& target) {
  using Kind = model::NamespaceTarget::Kind;
  model::RunContext c;
  if (target.kind == Kind::none) return c;
  const std::string& v = target.value;
  std::string etc;  // where the target's /etc files are
  bool all_files = false;
  if (target.kind == Kind::netns) {
    if (v.empty() || v == "." || v == "..") return fail(Errc::invalid_argument, fmt::format("--netns: '{}' is not a namespace name or path", v));
    if (v.find('/') != std::string::npos) {
      c.netns_path = v;
    } else {
      c.netns_path = "/run/netns/" + v;
      etc = "/etc/netns/" + v;
      all_files = true;  // as `ip netns exec` does
    }
    c.netns = v;
  } else {
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos || v == "0")
      return fail(Errc::invalid_argument, fmt::format("--pid: '{}' is not a process id", v));
    c.netns_path = "/proc/" + v + "/ns/net";
    etc = "/proc/" + v + "/root/etc";
    c.netns = "pid " + v;
  }
  const int fd = ::open(c.netns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR || err == ESRCH)
      return fail(Errc::invalid_argument,
                  target.kind == Kind::pid ? fmt::format("--pid {}: no such process", v)
                                           : fmt::format("--netns {}: no such network namespace ({} does not exist; `ip netns list` shows them)",
                                                         v, c.netns_path));
    if (err == EACCES || err == EPERM)
      return fail(Errc::permission, fmt::format("{}: cannot open {}: {}; run as root", target.kind == Kind::pid ? "--pid" : "--netns",
                                                c.netns_path, std::strerror(err)));
    return fail(Errc::system, fmt::format("cannot open {}: {}", c.netns_path, std::strerror(err)));
  }
  UniqueFd ns(fd);
  const int type = ::ioctl(fd, NS_GET_NSTYPE);
  if (type >= 0 && type != CLONE_NEWNET)
    return fail(Errc::invalid_argument, fmt::format("{} is a namespace, but not a network namespace", c.netns_path));
  if (type < 0 && errno == ENOTTY)
    return fail(Errc::invalid_argument, fmt::format("{} is not a namespace (a file under /run/netns or /proc/PID/ns/net is)", c.netns_path));
  if (::setns(fd, CLONE_NEWNET) != 0) {
    const int err = errno;
    if (err == EPERM)
      return fail(Errc::permission, "entering another network namespace needs CAP_SYS_ADMIN: run as root (e.g. `kubectl debug node/NAME "
                                    "--profile=sysadmin`); vpcprobe drops it right after");
    return fail(err == EINVAL ? Errc::invalid_argument : Errc::system,
                fmt::format("cannot enter {}: {}", c.netns_path, std::strerror(err)));
  }
  // Name resolution as inside: the target's hosts and resolv.conf (for a named namespace, every
  // file of /etc/netns/NAME) over ours.
  std::vector<std::pair<std::string, std::string>> binds;
  if (!etc.empty()) {
    if (all_files) {
      if (DIR* d = ::opendir(etc.c_str())) {
        while (const dirent* e = ::readdir(d)) {
          const std::string name = e->d_name;
          if (name == "." || name == "..") continue;
          if (::access(("/etc/" + name).c_str(), F_OK) == 0) binds.emplace_back(etc + "/" + name, "/etc/" + name);
        }
        ::closedir(d);
      }
    } else {
      for (const char* name : {"hosts", "resolv.conf"})
        if (is_file(etc + "/" + name) && is_file(std::string("/etc/") + name)) binds.emplace_back(etc + "/" + name, std::string("/etc/") + name);
    }
  }
  if (auto ok = bind_over_etc(binds, target.kind == Kind::pid); !ok) return std::unexpected(ok.error());
  if (!binds.empty()) c.resolver = etc;
  return c;
}

std::string ping_group_range() {
  std::ifstream in("/proc/sys/net/ipv4/ping_group_range");
  std::string a, b;
  if (!(in >> a >> b)) return "unknown";
  return a + " " + b;
}

Result<IcmpSocket> open_icmp_socket(wire::Family family, SocketOptions opts, bool allow_unprivileged) {
  auto raw = open_socket(af_of(family), SOCK_RAW, icmp_protocol(family), Cap::net_raw, "ICMP echo");
  if (raw) {
    // A raw socket sees the ICMP errors themselves; the error queue would deliver each one twice.
    opts.error_queue = false;
    if (auto ok = apply_socket_options(raw->get(), family, opts); !ok) return std::unexpected(ok.error());
    if (family == wire::Family::v6) {
      // A raw ICMPv6 socket would wake for every neighbor and router message on the host: only
      // echo replies and the four errors that can quote a probe pass (RFC 3542 ICMP6_FILTER).
      icmp6_filter types;
      ICMP6_FILTER_SETBLOCKALL(&types);
      for (int t : {ICMP6_ECHO_REPLY, ICMP6_DST_UNREACH, ICMP6_PACKET_TOO_BIG, ICMP6_TIME_EXCEEDED, ICMP6_PARAM_PROB})
        ICMP6_FILTER_SETPASS(t, &types);
      if (::setsockopt(raw->get(), IPPROTO_ICMPV6, ICMP6_FILTER, &types, sizeof types) != 0)
        return fail(Errc::system, fmt::format("cannot set ICMP6_FILTER: {}", std::strerror(errno)));
    }
    return IcmpSocket{std::move(*raw), model::ProbeMethod::raw};
  }
  if (raw.error().code != Errc::permission || !allow_unprivileged) return std::unexpected(raw.error());
  int fd = ::socket(af_of(family), SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, icmp_protocol(family));
  if (fd < 0) {
    int err = errno;
    if (err == EACCES || err == EPERM)
      return fail(Errc::permission,
                  fmt::format("ICMP echo needs CAP_NET_RAW, or a group inside net.ipv4.ping_group_range (now '{}', "
                              "your gid {}) for an unprivileged ping socket: {}",
                              ping_group_range(), getgid(), how_to_get(Cap::net_raw)));
    return fail(Errc::system, fmt::format("ping socket: {}", std::strerror(err)));
  }
  UniqueFd owned(fd);
  // A ping socket hands ICMP errors over through its error queue.
  opts.error_queue = true;
  if (auto ok = apply_socket_options(fd, family, opts); !ok) return std::unexpected(ok.error());
  return IcmpSocket{std::move(owned), model::ProbeMethod::ping_socket};
}

Result<UniqueFd> open_tcp_raw_socket(wire::Family family, SocketOptions opts) {
  auto raw = open_socket(af_of(family), SOCK_RAW, IPPROTO_TCP, Cap::net_raw, "TCP SYN probes");
  if (!raw) return raw;
  opts.error_queue = false;
  if (auto ok = apply_socket_options(raw->get(), family, opts); !ok) return std::unexpected(ok.error());
  // An IPv6 raw socket delivers no IP header: the address each segment was sent to comes as
  // packet info, and the answer must be to the source the SYN left from.
  int one = 1;
  if (family == wire::Family::v6 && ::setsockopt(raw->get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) != 0)
    return fail(Errc::system, fmt::format("cannot set IPV6_RECVPKTINFO: {}", std::strerror(errno)));
  return raw;
}

Result<UniqueFd> open_witness_socket() {
  // ETH_P_ALL: a socket bound to one protocol sees only incoming frames, and the witness needs the
  // outgoing copies too. It takes nothing until a filter names the hosts to watch.
  auto fd = open_socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL), Cap::net_raw, "watching the wire");
  if (!fd) return fd;
  sock_filter none{BPF_RET | BPF_K, 0, 0, 0};
  sock_fprog prog{1, &none};
  if (::setsockopt(fd->get(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0)
    return fail(Errc::system, fmt::format("witness socket filter: {}", std::strerror(errno)));
  return fd;
}

Result<UniqueFd> open_arp_socket(std::size_t receive_buffer) {
  auto fd = open_socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP), Cap::net_raw, "sending ARP");
  if (!fd) return fd;
  // Our own requests would otherwise come back as PACKET_OUTGOING copies and take half the buffer
  // in a sweep (Linux 4.20+; older kernels queue them, and the probes skip them).
  int one = 1;
  (void)::setsockopt(fd->get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  if (receive_buffer > (4u << 20)) {
    int size = static_cast<int>(std::min<std::size_t>(receive_buffer, 64u << 20));
    if (::setsockopt(fd->get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
      (void)::setsockopt(fd->get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);  // capped by rmem_max: the 4 MiB stay
  }
  return fd;
}

Result<UniqueFd> open_ndp_socket(std::size_t receive_buffer) {
  auto fd = open_socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IPV6), Cap::net_raw, "sending Neighbor Solicitations");
  if (!fd) return fd;
  int one = 1;
  (void)::setsockopt(fd->get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  // Ethernet type IPv6 (offset 12), next header ICMPv6 (14 + 6), type 136 (14 + 40).
  sock_filter code[] = {
      {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},   {BPF_JMP | BPF_JEQ | BPF_K, 0, 5, ETH_P_IPV6},
      {BPF_LD | BPF_B | BPF_ABS, 0, 0, 20},   {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, IPPROTO_ICMPV6},
      {BPF_LD | BPF_B | BPF_ABS, 0, 0, 54},   {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 136},
      {BPF_RET | BPF_K, 0, 0, 0xffffffffu},   {BPF_RET | BPF_K, 0, 0, 0},
  };
  sock_fprog prog{static_cast<unsigned short>(std::size(code)), code};
  if (::setsockopt(fd->get(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0)
    return fail(Errc::system, fmt::format("NDP socket filter: {}", std::strerror(errno)));
  if (receive_buffer > (4u << 20)) {
    int size = static_cast<int>(std::min<std::size_t>(receive_buffer, 64u << 20));
    if (::setsockopt(fd->get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
      (void)::setsockopt(fd->get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  return fd;
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
  // Decided before the uid change, which clears the effective set.
  const bool keep_admin = keep.net_admin && has_effective(Cap::net_admin);
  // Leaving setuid root first: the kernel clears capabilities on the uid change unless asked not to.
  if (keep_admin && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
    return fail(Errc::system, fmt::format("prctl(PR_SET_KEEPCAPS): {}", std::strerror(errno)));
  uid_t ruid = getuid();
  gid_t rgid = getgid();
  if (getegid() != rgid && setresgid(rgid, rgid, rgid) != 0)
    return fail(Errc::system, fmt::format("setresgid: {}", std::strerror(errno)));
  if (geteuid() != ruid && setresuid(ruid, ruid, ruid) != 0)
    return fail(Errc::system, fmt::format("setresuid: {}", std::strerror(errno)));

  cap_t caps = cap_init();  // all clear
  if (!caps) return fail(Errc::system, "cap_init failed");
  if (keep_admin) {
    cap_value_t admin[] = {CAP_NET_ADMIN};
    if (cap_set_flag(caps, CAP_PERMITTED, 1, admin, CAP_SET) != 0 || cap_set_flag(caps, CAP_EFFECTIVE, 1, admin, CAP_SET) != 0) {
      cap_free(caps);
      return fail(Errc::system, "cap_set_flag failed");
    }
  }
  int rc = cap_set_proc(caps);
  cap_free(caps);
  if (rc != 0) return fail(Errc::system, fmt::format("cap_set_proc: {}", std::strerror(errno)));
  if (keep_admin && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0)
    return fail(Errc::system, fmt::format("prctl(PR_SET_KEEPCAPS): {}", std::strerror(errno)));
  // Nothing we exec (we exec nothing) may gain privileges back.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return fail(Errc::system, fmt::format("prctl(PR_SET_NO_NEW_PRIVS): {}", std::strerror(errno)));
  return {};
}

std::string how_to_get(Cap cap) {
  return fmt::format(
      "run as root, grant it with `setcap {}+ep $(command -v vpcprobe)`, or in Kubernetes use "
      "`kubectl debug node/NAME --profile=netadmin`",
      cap == Cap::net_raw ? "cap_net_raw" : "cap_net_admin");
}

}  // namespace vpcprobe::sys
