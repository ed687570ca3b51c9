#pragma once
// The address-family seam of the transport layer: the one place that turns an IpAddr into a
// sockaddr and back, knows which socket options and control messages each family uses, and reads a
// socket's error queue. Like Asio's ip::icmp::v4()/v6(), a protocol object per family; the rest of
// the library holds wire::IpAddr and asks here.
#include <cstdint>
#include <optional>
#include <string>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/wire/addr.hpp"

struct sockaddr;
struct cmsghdr;

namespace vpcprobe::net {

// A socket address for an IP address and port (and the scope of a link-local IPv6 address).
class SockAddr {
 public:
  SockAddr() = default;
  explicit SockAddr(const wire::IpAddr& ip, std::uint16_t port = 0, std::uint32_t scope_id = 0);
  const sockaddr* get() const;
  unsigned size() const { return len_; }

 private:
  alignas(8) unsigned char storage_[128] = {};  // sockaddr_storage
  unsigned len_ = 0;
};
// The address in a sockaddr the kernel filled in, when it is an IPv4 or IPv6 one.
std::optional<wire::IpAddr> address_of(const void* sockaddr_storage, unsigned len);

// The per-family numbers of the socket layer.
struct Inet {
  wire::Family family;
  int af;                 // AF_INET, AF_INET6
  int level;              // IPPROTO_IP, IPPROTO_IPV6: the level of the options below
  int icmp_protocol;      // IPPROTO_ICMP, IPPROTO_ICMPV6
  int recverr;            // IP_RECVERR, IPV6_RECVERR
  int recv_hops;          // IP_RECVTTL, IPV6_RECVHOPLIMIT
  int hops_cmsg;          // IP_TTL, IPV6_HOPLIMIT: the control message it delivers
  int unicast_hops;       // IP_TTL, IPV6_UNICAST_HOPS
  int mtu_discover;       // IP_MTU_DISCOVER, IPV6_MTU_DISCOVER
  int pmtudisc_probe;     // DF set, the cached path MTU ignored
  int pmtudisc_dont;      // the kernel may fragment (IPv6: never on the wire, only locally)
  static const Inet& v4();
  static const Inet& v6();
  static const Inet& of(wire::Family f);
};

// An error the kernel queued for a socket (IP_RECVERR / IPV6_RECVERR): an ICMP error answering
// what we sent, or a local one.
struct ExtendedError {
  int err = 0;               // errno the kernel derived
  std::uint8_t origin = 0;   // SO_EE_ORIGIN_*: 2 = ICMP, 3 = ICMPv6, 1 = local
  std::uint8_t type = 0, code = 0;
  std::uint32_t info = 0;    // next-hop MTU for frag-needed / packet too big
  std::optional<wire::IpAddr> offender;
  bool from_icmp() const { return origin == 2 || origin == 3; }
};
// Reads one control message of either family; true when it was a hop-limit, error or (IPv6)
// packet-info message (`to`: the address the datagram was sent to, IPV6_RECVPKTINFO).
bool parse_inet_cmsg(const cmsghdr* c, std::optional<std::uint8_t>& hops, std::optional<ExtendedError>& error,
                     std::optional<wire::IpAddr>* to = nullptr);
// Reads one queued error from fd's error queue, if any.
std::optional<ExtendedError> read_error_queue(int fd);

// Asio's view of an address, for Asio's own sockets (connect()).
asio::ip::address to_asio(const wire::IpAddr& ip);

}  // namespace vpcprobe::net
