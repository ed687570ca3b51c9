#include "vpcprobe/probe/family.hpp"

#include <algorithm>

#include "vpcprobe/wire/icmp.hpp"
#include "vpcprobe/wire/icmpv6.hpp"
#include "vpcprobe/wire/ipv4.hpp"
#include "vpcprobe/wire/ipv6.hpp"

namespace vpcprobe::probe {

namespace {

// Both families -----------------------------------------------------------------------------------

// Packet Too Big and frag-needed carry up to 32 bits of MTU; the model keeps 16 (no link is larger).
std::uint16_t mtu16(std::uint32_t mtu) { return static_cast<std::uint16_t>(std::min<std::uint32_t>(mtu, 65535)); }

// An echo reply of either family's message type, as an event from `from`.
template <class Message>
IcmpEvent echo_reply(const Message& icmp, wire::IpAddr from, std::optional<std::uint8_t> hops, std::size_t bytes) {
  IcmpEvent ev;
  ev.kind = IcmpEvent::Kind::echo_reply;
  ev.from = from;
  ev.id = icmp.echo_id();
  ev.seq = icmp.echo_seq();
  ev.payload = icmp.body;
  ev.hops = hops;
  ev.bytes = bytes;
  return ev;
}

// What an error quotes, as one of our probes: an echo request or a SYN (either family's fields).
template <class Echo, class Tcp>
std::optional<QuotedProbe> quoted_probe(const std::optional<Echo>& e, const std::optional<Tcp>& t) {
  if (e) {
    QuotedProbe q{e->src, e->dst, QuotedProbe::Kind::echo};
    q.id = e->id;
    q.seq = e->seq;
    return q;
  }
  if (t) {
    QuotedProbe q{t->src, t->dst, QuotedProbe::Kind::tcp};
    q.sport = t->sport;
    q.dport = t->dport;
    q.tcp_seq = t->seq;
    return q;
  }
  return std::nullopt;
}

// A datagram of an unprivileged ping socket of either family, or its error queue: the message
// decoded by `decode`, the echo request and reply types, and which queued error carries an MTU.
template <class Decode>
std::optional<IcmpEvent> read_ping_socket(const net::Received& rx, Decode decode, std::uint8_t request, std::uint8_t reply,
                                          bool (*carries_mtu)(std::uint8_t type, std::uint8_t code), wire::IpAddr unknown_sender) {
  auto icmp = decode(rx.bytes);
  if (!icmp) return std::nullopt;
  IcmpEvent ev;
  if (rx.queued_error) {
    // The error queue hands back the echo we sent (the kernel already rewrote its id) with the
    // error the kernel matched to it.
    const auto& ee = *rx.queued_error;
    if (icmp->type != request || !ee.from_icmp()) return std::nullopt;
    ev.kind = IcmpEvent::Kind::error;
    ev.seq = icmp->echo_seq();
    ev.from = ee.offender.value_or(unknown_sender);
    const auto mtu = carries_mtu(ee.type, ee.code) ? mtu16(ee.info) : std::uint16_t{0};
    ev.error = model::IcmpErrorInfo{ee.type, ee.code, mtu, ev.from};
    return ev;
  }
  if (icmp->type != reply || !rx.from) return std::nullopt;
  return echo_reply(*icmp, *rx.from, rx.hops, rx.bytes.size());
}

// IPv4 --------------------------------------------------------------------------------------------

std::optional<QuotedProbe> quoted_v4(const wire::IcmpError& err) { return quoted_probe(wire::quoted_echo(err), wire::quoted_tcp(err)); }

std::optional<IcmpEvent> read_raw_icmp_v4(const net::Received& rx) {
  auto ip = wire::decode_ipv4(rx.bytes);
  if (!ip || ip->header.protocol != wire::kProtoIcmp) return std::nullopt;
  auto icmp = wire::decode_icmp(ip->payload);
  if (!icmp || !icmp->checksum_ok) return std::nullopt;
  if (icmp->type == wire::icmp_type::echo_reply) return echo_reply(*icmp, ip->header.src, ip->header.ttl, ip->payload.size());
  if (!icmp->is_error()) return std::nullopt;
  IcmpEvent ev;
  ev.from = ip->header.src;
  auto err = wire::decode_icmp_error(*icmp);
  if (!err) return std::nullopt;
  ev.kind = IcmpEvent::Kind::error;
  ev.error = model::IcmpErrorInfo{err->type, err->code, err->next_hop_mtu, ip->header.src};
  ev.quoted = quoted_v4(*err);
  if (!ev.quoted) return std::nullopt;
  return ev;
}

std::optional<IcmpEvent> read_ping_socket_v4(const net::Received& rx) {
  return read_ping_socket(
      rx, [](wire::ByteView b) { return wire::decode_icmp(b); }, wire::icmp_type::echo_request, wire::icmp_type::echo_reply,
      [](std::uint8_t type, std::uint8_t code) { return type == wire::icmp_type::dest_unreachable && code == wire::unreach_code::frag_needed; },
      wire::IpAddr{});
}

std::optional<RawTcp> read_raw_tcp_v4(const net::Received& rx) {
  auto ip = wire::decode_ipv4(rx.bytes);
  if (!ip || ip->header.protocol != wire::kProtoTcp) return std::nullopt;
  return RawTcp{ip->header.src, ip->header.dst, ip->payload};
}

constexpr FamilyOps kIpv4{wire::Family::v4, NeighborProtocol::arp, wire::kIpv4MinHeader, wire::kIcmpHeaderLen,
                          wire::encode_echo_request, read_raw_icmp_v4, read_ping_socket_v4, read_raw_tcp_v4};

// IPv6 --------------------------------------------------------------------------------------------
// An ICMPv6 or TCP socket of either kind delivers no IPv6 header: the source comes with the
// datagram (msg_name), the hop limit as a control message (IPV6_RECVHOPLIMIT), the destination as
// packet info (IPV6_RECVPKTINFO).

std::optional<QuotedProbe> quoted_v6(const wire::Icmpv6Error& err) { return quoted_probe(wire::quoted_echo6(err), wire::quoted_tcp6(err)); }

std::optional<IcmpEvent> read_raw_icmp_v6(const net::Received& rx) {
  if (!rx.from || !rx.from->is_v6()) return std::nullopt;
  auto icmp = wire::decode_icmpv6(rx.bytes);
  if (!icmp) return std::nullopt;
  if (icmp->type == wire::icmp6_type::echo_reply && icmp->code == 0) return echo_reply(*icmp, *rx.from, rx.hops, rx.bytes.size());
  IcmpEvent ev;
  ev.from = *rx.from;
  auto err = wire::decode_icmpv6_error(*icmp);
  if (!err) return std::nullopt;
  ev.kind = IcmpEvent::Kind::error;
  ev.error = model::IcmpErrorInfo{err->type, err->code, mtu16(err->mtu), *rx.from};
  ev.quoted = quoted_v6(*err);
  if (!ev.quoted) return std::nullopt;
  return ev;
}

std::optional<IcmpEvent> read_ping_socket_v6(const net::Received& rx) {
  return read_ping_socket(
      rx, [](wire::ByteView b) { return wire::decode_icmpv6(b); }, wire::icmp6_type::echo_request, wire::icmp6_type::echo_reply,
      [](std::uint8_t type, std::uint8_t) { return type == wire::icmp6_type::packet_too_big; }, wire::IpAddr(wire::Ipv6{}));
}

std::optional<RawTcp> read_raw_tcp_v6(const net::Received& rx) {
  if (!rx.from || !rx.from->is_v6() || !rx.to || !rx.to->is_v6()) return std::nullopt;
  return RawTcp{*rx.from, *rx.to, rx.bytes};
}

constexpr FamilyOps kIpv6{wire::Family::v6, NeighborProtocol::ndp, wire::kIpv6Header, wire::kIcmpv6HeaderLen,
                          wire::encode_echo6_request, read_raw_icmp_v6, read_ping_socket_v6, read_raw_tcp_v6};

}  // namespace

Result<const FamilyOps*> family_ops(wire::Family f) {
  if (f == wire::Family::v4) return &kIpv4;
  return &kIpv6;
}

}  // namespace vpcprobe::probe
