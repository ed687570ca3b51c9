#pragma once
// What differs between the address families for the probes, as one table per family (iputils'
// ping_func_set_st): how an echo request is built and its answers read, how an ICMP error that
// quotes one of our probes is recognised, how raw TCP arrives, how many header bytes a packet of a
// given payload carries, and which protocol resolves a neighbor. The probes hold a `const
// FamilyOps&` and never look at the family themselves.
#include <cstdint>
#include <optional>

#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/wire/addr.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::probe {

// What a probe sent, as an ICMP error quotes it back.
struct QuotedProbe {
  wire::IpAddr src, dst;
  enum class Kind { echo = 1, tcp } kind = Kind::echo;
  std::uint16_t id = 0, seq = 0;            // echo
  std::uint16_t sport = 0, dport = 0;       // tcp
  std::uint32_t tcp_seq = 0;                // tcp
};

// One datagram of an ICMP socket, decoded: an echo reply, or an error that quotes a probe.
struct IcmpEvent {
  enum class Kind { echo_reply = 1, error } kind = Kind::echo_reply;
  wire::IpAddr from;
  // echo reply
  std::uint16_t id = 0, seq = 0;
  wire::ByteView payload;
  std::optional<std::uint8_t> hops;
  std::size_t bytes = 0;       // ICMP bytes of the reply
  // error
  model::IcmpErrorInfo error;
  std::optional<QuotedProbe> quoted;  // raw sockets: what the error quotes
};

// A TCP segment read from a raw socket, with the addresses it travelled between.
struct RawTcp {
  wire::IpAddr src, dst;
  wire::ByteView segment;
};

enum class NeighborProtocol { arp = 1, ndp };

struct FamilyOps {
  wire::Family family;
  NeighborProtocol neighbor;
  std::size_t ip_header = 0;    // IPv4 20, IPv6 40: what the network layer adds to an echo
  std::size_t icmp_header = 8;  // echo header: type, code, checksum, id, sequence

  // An echo request (the checksum filled in where the kernel does not).
  wire::Bytes (*encode_echo)(std::uint16_t id, std::uint16_t seq, wire::ByteView payload);
  // A datagram of a raw ICMP socket (IPv4 delivers the IP header too), or nothing when it is not
  // an echo reply or a well-formed error.
  std::optional<IcmpEvent> (*read_raw_icmp)(const net::Received& rx);
  // A datagram of an unprivileged ping socket, or its error queue.
  std::optional<IcmpEvent> (*read_ping_socket)(const net::Received& rx);
  // A datagram of a raw TCP socket.
  std::optional<RawTcp> (*read_raw_tcp)(const net::Received& rx);
};

// The table for a family, or Errc::unsupported for one that has no probes yet.
Result<const FamilyOps*> family_ops(wire::Family f);

}  // namespace vpcprobe::probe
