#include "vpcprobe/wire/icmp.hpp"

#include "quoted.hpp"

#include "vpcprobe/wire/checksum.hpp"

namespace vpcprobe::wire {

namespace {
constexpr std::size_t kChecksumOffset = 2;
// RFC 792 errors quote the header plus 64 bits of the datagram: enough for ports or id/seq.
constexpr std::size_t kQuotedPayloadMin = 8;

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

std::optional<QuotedEcho> quoted_echo(const IcmpError& e) {
  if (!quotes_transport_header(e, kProtoIcmp)) return std::nullopt;
  auto q = detail::read_quoted_echo(e.quoted.payload);
  if (!q || q->type != icmp_type::echo_request) return std::nullopt;
  return QuotedEcho{e.quoted.header.src, e.quoted.header.dst, q->id, q->seq};
}

std::optional<QuotedTcp> quoted_tcp(const IcmpError& e) {
  if (!quotes_transport_header(e, kProtoTcp)) return std::nullopt;
  auto q = detail::read_quoted_tcp(e.quoted.payload);
  if (!q) return std::nullopt;
  return QuotedTcp{e.quoted.header.src, e.quoted.header.dst, q->sport, q->dport, q->seq};
}

}  // namespace vpcprobe::wire
