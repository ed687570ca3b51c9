#include "vpcprobe/wire/icmp.hpp"

#include <fmt/format.h>

#include "vpcprobe/wire/checksum.hpp"

namespace vpcprobe::wire {

namespace {
constexpr std::size_t kChecksumOffset = 2;
// RFC 792 errors quote the header plus 64 bits of the datagram: enough for ports or id/seq.
constexpr std::size_t kQuotedPayloadMin = 8;

const char* unreachable_meaning(std::uint8_t code) {
  using namespace unreach_code;
  switch (code) {
    case net: return "network unreachable";
    case host: return "host unreachable";
    case protocol: return "protocol unreachable";
    case port: return "port unreachable";
    case frag_needed: return "fragmentation needed";
    case source_route_failed: return "source route failed";
    case net_unknown: return "destination network unknown";
    case host_unknown: return "destination host unknown";
    case host_isolated: return "source host isolated";
    case net_prohibited: return "network administratively prohibited";
    case host_prohibited: return "host administratively prohibited";
    case net_tos: return "network unreachable for type of service";
    case host_tos: return "host unreachable for type of service";
    case admin_prohibited: return "communication administratively prohibited";
    case host_precedence: return "host precedence violation";
    case precedence_cutoff: return "precedence cutoff in effect";
    default: return nullptr;
  }
}

const char* other_error_meaning(std::uint8_t type, std::uint8_t code) {
  switch (type) {
    case icmp_type::time_exceeded:
      if (code == 0) return "TTL exceeded in transit";
      if (code == 1) return "fragment reassembly time exceeded";
      return nullptr;
    case icmp_type::parameter_problem:
      if (code == 0) return "parameter problem (bad header field)";
      if (code == 1) return "parameter problem (missing required option)";
      if (code == 2) return "parameter problem (bad length)";
      return nullptr;
    case icmp_type::source_quench: return "source quench";
    case icmp_type::redirect:
      if (code == 0) return "redirect for network";
      if (code == 1) return "redirect for host";
      if (code == 2) return "redirect for type of service and network";
      if (code == 3) return "redirect for type of service and host";
      return nullptr;
    default: return nullptr;
  }
}

// A non-first fragment quotes data from the middle of the datagram, not a transport header.
bool quotes_transport_header(const IcmpError& e, std::uint8_t protocol) {
  return e.quoted.header.protocol == protocol && e.quoted.header.fragment_offset == 0;
}
}  // namespace

bool IcmpMessage::is_error() const {
  using namespace icmp_type;
  return type == dest_unreachable || type == time_exceeded || type == parameter_problem ||
         type == source_quench || type == redirect;
}

Result<IcmpMessage> decode_icmp(ByteView bytes) {
  Reader r(bytes);
  auto type = r.u8();
  auto code = r.u8();
  auto checksum = r.be16();
  auto rest = r.be32();
  if (!type || !code || !checksum || !rest) return fail(Errc::malformed, "icmp: truncated header");
  IcmpMessage m;
  m.type = *type;
  m.code = *code;
  m.checksum = *checksum;
  m.rest = *rest;
  m.body = r.rest();
  // Summing a message that carries its own checksum gives zero when nothing was altered.
  m.checksum_ok = internet_checksum(bytes) == 0;
  return m;
}

Bytes encode_echo_request(std::uint16_t id, std::uint16_t seq, ByteView payload) {
  Bytes out;
  out.reserve(kIcmpHeaderLen + payload.size());
  Writer w(out);
  w.u8(icmp_type::echo_request);
  w.u8(0);
  w.be16(0);  // checksum, filled in below
  w.be16(id);
  w.be16(seq);
  w.bytes(payload);
  const std::uint16_t sum = internet_checksum(out);
  out[kChecksumOffset] = static_cast<std::uint8_t>(sum >> 8);
  out[kChecksumOffset + 1] = static_cast<std::uint8_t>(sum);
  return out;
}

Result<IcmpError> decode_icmp_error(const IcmpMessage& msg) {
  if (!msg.is_error()) return fail(Errc::malformed, "icmp: not an error message");
  auto quoted = decode_quoted_ipv4(msg.body);
  if (!quoted) return std::unexpected(quoted.error());
  if (quoted->payload.size() < kQuotedPayloadMin)
    return fail(Errc::malformed, "icmp: quote shorter than header + 8 bytes");
  IcmpError e;
  e.type = msg.type;
  e.code = msg.code;
  // RFC 1191: the next-hop MTU is the low half of the second word, for frag-needed only.
  if (msg.type == icmp_type::dest_unreachable && msg.code == unreach_code::frag_needed)
    e.next_hop_mtu = static_cast<std::uint16_t>(msg.rest & 0xffff);
  e.quoted = *quoted;
  return e;
}

std::string icmp_error_meaning(std::uint8_t type, std::uint8_t code, std::uint16_t mtu) {
  if (type == icmp_type::dest_unreachable) {
    if (code == unreach_code::frag_needed && mtu != 0)
      return fmt::format("fragmentation needed (next-hop MTU {})", mtu);
    if (const char* m = unreachable_meaning(code)) return m;
  } else if (const char* m = other_error_meaning(type, code)) {
    return m;
  }
  return fmt::format("ICMP type {} code {}", unsigned{type}, unsigned{code});
}

std::optional<QuotedEcho> quoted_echo(const IcmpError& e) {
  if (!quotes_transport_header(e, kProtoIcmp)) return std::nullopt;
  Reader r(e.quoted.payload);
  auto type = r.u8();
  auto code = r.u8();
  auto checksum = r.be16();
  auto id = r.be16();
  auto seq = r.be16();
  if (!type || !code || !checksum || !id || !seq) return std::nullopt;
  if (*type != icmp_type::echo_request) return std::nullopt;
  return QuotedEcho{e.quoted.header.src, e.quoted.header.dst, *id, *seq};
}

std::optional<QuotedTcp> quoted_tcp(const IcmpError& e) {
  if (!quotes_transport_header(e, kProtoTcp)) return std::nullopt;
  Reader r(e.quoted.payload);
  auto sport = r.be16();
  auto dport = r.be16();
  auto seq = r.be32();
  if (!sport || !dport || !seq) return std::nullopt;
  return QuotedTcp{e.quoted.header.src, e.quoted.header.dst, *sport, *dport, *seq};
}

}  // namespace vpcprobe::wire
