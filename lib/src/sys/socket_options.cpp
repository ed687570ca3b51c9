#include "vpcprobe/sys/socket_options.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vpcprobe::sys {

namespace {

Result<void> set(int fd, int level, int option, int value, const char* name) {
  if (::setsockopt(fd, level, option, &value, sizeof value) != 0) {
    const int err = errno;
    return fail(Errc::system, fmt::format("cannot set {}: {}", name, std::strerror(err)), err);
  }
  return {};
}

}  // namespace

Result<void> apply_socket_options(int fd, wire::Family family, const SocketOptions& o) {
  const bool v4 = family == wire::Family::v4;
  const int level = v4 ? IPPROTO_IP : IPPROTO_IPV6;
  if (o.ttl > 0 && ::setsockopt(fd, level, v4 ? IP_TTL : IPV6_UNICAST_HOPS, &o.ttl, sizeof o.ttl) != 0) {
    const int err = errno;
    return fail(Errc::invalid_argument, fmt::format("cannot set TTL {}: {}", o.ttl, std::strerror(err)), err);
  }
  const int pmtu = v4 ? (o.dont_fragment ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT)
                      : (o.dont_fragment ? IPV6_PMTUDISC_PROBE : IPV6_PMTUDISC_DONT);
  if (auto ok = set(fd, level, v4 ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER, pmtu, v4 ? "IP_MTU_DISCOVER" : "IPV6_MTU_DISCOVER"); !ok)
    return ok;
  if (!o.bind_device.empty() &&
      ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o.bind_device.c_str(), static_cast<socklen_t>(o.bind_device.size())) != 0) {
    const int err = errno;
    if (err == ENODEV) return fail(Errc::invalid_argument, fmt::format("no interface named '{}'", o.bind_device), err);
    return fail(Errc::system, fmt::format("cannot bind to interface {}: {}", o.bind_device, std::strerror(err)), err);
  }
  if (o.error_queue)
    if (auto ok = set(fd, level, v4 ? IP_RECVERR : IPV6_RECVERR, 1, v4 ? "IP_RECVERR" : "IPV6_RECVERR"); !ok) return ok;
  if (o.hop_limit)
    if (auto ok = set(fd, level, v4 ? IP_RECVTTL : IPV6_RECVHOPLIMIT, 1, v4 ? "IP_RECVTTL" : "IPV6_RECVHOPLIMIT"); !ok) return ok;
  return {};
}

Result<void> bind_local_port(int fd, wire::Family family, std::uint16_t port) {
  int rc;
  if (family == wire::Family::v4) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(port);
    rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local);
  } else {
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    local.sin6_port = htons(port);
    rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local);
  }
  if (rc == 0) return {};
  if (errno == EADDRINUSE) return fail(Errc::not_found, fmt::format("port {} in use", port));
  return fail(Errc::system, fmt::format("bind: {}", std::strerror(errno)));
}

}  // namespace vpcprobe::sys
