#include "vpcprobe/net/inet.hpp"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vpcprobe::net {

static_assert(sizeof(sockaddr_storage) <= 128, "SockAddr storage");

SockAddr::SockAddr(const wire::IpAddr& ip, std::uint16_t port, std::uint32_t scope_id) {
  if (ip.is_v4()) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    std::memcpy(&in.sin_addr, ip.bytes().data(), 4);
    std::memcpy(storage_, &in, sizeof in);
    len_ = sizeof in;
  } else {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(port);
    in6.sin6_scope_id = scope_id;
    std::memcpy(&in6.sin6_addr, ip.bytes().data(), 16);
    std::memcpy(storage_, &in6, sizeof in6);
    len_ = sizeof in6;
  }
}

const sockaddr* SockAddr::get() const { return reinterpret_cast<const sockaddr*>(storage_); }

std::optional<wire::IpAddr> address_of(const void* ss, unsigned len) {
  sa_family_t family;
  if (len < sizeof family) return std::nullopt;
  std::memcpy(&family, ss, sizeof family);
  if (family == AF_INET && len >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, ss, sizeof in);
    return wire::IpAddr::from_bytes({reinterpret_cast<const std::uint8_t*>(&in.sin_addr), 4});
  }
  if (family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6;
    std::memcpy(&in6, ss, sizeof in6);
    return wire::IpAddr::from_bytes({reinterpret_cast<const std::uint8_t*>(&in6.sin6_addr), 16});
  }
  return std::nullopt;
}

const Inet& Inet::v4() {
  static const Inet kV4{wire::Family::v4, AF_INET,       IPPROTO_IP,       IPPROTO_ICMP,       IP_RECVERR, IP_RECVTTL,
                        IP_TTL,           IP_TTL,        IP_MTU_DISCOVER,  IP_PMTUDISC_PROBE,  IP_PMTUDISC_DONT};
  return kV4;
}

const Inet& Inet::v6() {
  static const Inet kV6{wire::Family::v6,   AF_INET6,           IPPROTO_IPV6,        IPPROTO_ICMPV6,
                        IPV6_RECVERR,       IPV6_RECVHOPLIMIT,  IPV6_HOPLIMIT,       IPV6_UNICAST_HOPS,
                        IPV6_MTU_DISCOVER,  IPV6_PMTUDISC_PROBE, IPV6_PMTUDISC_DONT};
  return kV6;
}

const Inet& Inet::of(wire::Family f) { return f == wire::Family::v4 ? v4() : v6(); }

bool parse_inet_cmsg(const cmsghdr* c, std::optional<std::uint8_t>& hops, std::optional<ExtendedError>& error,
                     std::optional<wire::IpAddr>* to) {
  const bool v4 = c->cmsg_level == IPPROTO_IP, v6 = c->cmsg_level == IPPROTO_IPV6;
  if (!v4 && !v6) return false;
  if (v6 && c->cmsg_type == IPV6_PKTINFO) {
    if (c->cmsg_len < CMSG_LEN(sizeof(in6_pktinfo))) return false;
    in6_pktinfo pi;
    std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
    if (to) *to = wire::IpAddr::from_bytes({reinterpret_cast<const std::uint8_t*>(&pi.ipi6_addr), 16});
    return true;
  }
  if ((v4 && c->cmsg_type == IP_TTL) || (v6 && c->cmsg_type == IPV6_HOPLIMIT)) {
    if (c->cmsg_len < CMSG_LEN(sizeof(int))) return false;
    int value;
    std::memcpy(&value, CMSG_DATA(c), sizeof value);
    if (value >= 0 && value <= 255) hops = static_cast<std::uint8_t>(value);
    return true;
  }
  if ((v4 && c->cmsg_type == IP_RECVERR) || (v6 && c->cmsg_type == IPV6_RECVERR)) {
    if (c->cmsg_len < CMSG_LEN(sizeof(sock_extended_err))) return false;
    sock_extended_err ee;
    std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
    ExtendedError e;
    e.err = static_cast<int>(ee.ee_errno);
    e.origin = ee.ee_origin;
    e.type = ee.ee_type;
    e.code = ee.ee_code;
    e.info = ee.ee_info;
    // The offender address follows the struct inside the same control message (SO_EE_OFFENDER).
    const std::size_t room = c->cmsg_len - CMSG_LEN(sizeof ee);
    if (room > 0) e.offender = address_of(CMSG_DATA(c) + sizeof ee, static_cast<unsigned>(room));
    error = e;
    return true;
  }
  return false;
}

std::optional<ExtendedError> read_error_queue(int fd) {
  std::array<std::uint8_t, 256> data{};
  alignas(cmsghdr) std::array<char, 512> control{};
  iovec iov{data.data(), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  if (::recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return std::nullopt;
  std::optional<std::uint8_t> hops;
  std::optional<ExtendedError> error;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) parse_inet_cmsg(c, hops, error);
  return error;
}

asio::ip::address to_asio(const wire::IpAddr& ip) {
  if (ip.is_v4()) return asio::ip::address_v4(ip.v4().value);
  asio::ip::address_v6::bytes_type b;
  std::copy(ip.bytes().begin(), ip.bytes().end(), b.begin());
  return asio::ip::address_v6(b);
}

}  // namespace vpcprobe::net
