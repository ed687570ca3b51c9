// ICMP as the probes receive it: decode_icmp on the input both as a bare ICMP message (ping socket)
// and as the payload of an IPv4 packet (raw socket); then decode_icmp_error on every message, and
// quoted_echo / quoted_tcp on every error that decodes.
#include "fuzz_common.hpp"
#include "vpcprobe/wire/checksum.hpp"
#include "vpcprobe/wire/icmp.hpp"
#include "vpcprobe/wire/ipv4.hpp"

using namespace vpcprobe::wire;
using namespace vpcprobe::fuzz;

namespace {

bool is_error_type(std::uint8_t t) {
  using namespace icmp_type;
  return t == dest_unreachable || t == time_exceeded || t == parameter_problem || t == source_quench ||
         t == redirect;
}

void check_error(const IcmpMessage& m) {
  auto e = decode_icmp_error(m);
  if (!e) {
    // Rejected only when it is not an error, or its quote is not a header + 8 bytes.
    auto q = decode_quoted_ipv4(m.body);
    FUZZ_CHECK(!m.is_error() || !q || q->payload.size() < 8);
    return;
  }
  FUZZ_CHECK(m.is_error() && e->type == m.type && e->code == m.code);
  const bool frag_needed = m.type == icmp_type::dest_unreachable && m.code == unreach_code::frag_needed;
  FUZZ_CHECK(e->next_hop_mtu == (frag_needed ? (m.rest & 0xffff) : 0));

  // The quote lies inside the ICMP body: header (by its own IHL), options, then >= 8 bytes.
  const Ipv4Packet& q = e->quoted;
  const std::size_t hl = q.header.header_len;
  FUZZ_CHECK(hl >= kIpv4MinHeader && hl <= kIpv4MaxHeader && hl <= m.body.size());
  FUZZ_CHECK(is_at(q.options, m.body, kIpv4MinHeader, hl - kIpv4MinHeader));
  FUZZ_CHECK(q.payload.size() >= 8 && q.payload.size() <= std::size_t{q.header.total_len} - hl);
  FUZZ_CHECK(is_at(q.payload, m.body, hl, q.payload.size()));
  touch(q.options);
  touch(q.payload);

  // What a quote says about our probes comes from its first 8 payload bytes, only for the
  // protocol it names, and only when those bytes are the transport header (first fragment).
  auto echo = quoted_echo(*e);
  auto tcp = quoted_tcp(*e);
  FUZZ_CHECK(!(echo && tcp));
  if (echo) {
    FUZZ_CHECK(q.header.protocol == kProtoIcmp && q.header.fragment_offset == 0);
    FUZZ_CHECK(q.payload[0] == icmp_type::echo_request);
    FUZZ_CHECK(echo->id == be16_at(q.payload, 4) && echo->seq == be16_at(q.payload, 6));
    FUZZ_CHECK(echo->src == q.header.src && echo->dst == q.header.dst);
  } else if (q.header.protocol == kProtoIcmp && q.header.fragment_offset == 0) {
    FUZZ_CHECK(q.payload[0] != icmp_type::echo_request);
  }
  if (tcp) {
    FUZZ_CHECK(q.header.protocol == kProtoTcp && q.header.fragment_offset == 0);
    FUZZ_CHECK(tcp->sport == be16_at(q.payload, 0) && tcp->dport == be16_at(q.payload, 2));
    FUZZ_CHECK(tcp->seq == be32_at(q.payload, 4));
    FUZZ_CHECK(tcp->src == q.header.src && tcp->dst == q.header.dst);
  } else {
    FUZZ_CHECK(q.header.protocol != kProtoTcp || q.header.fragment_offset != 0);
  }
}

void check_icmp(ByteView in) {
  auto m = decode_icmp(in);
  if (!m) {
    FUZZ_CHECK(in.size() < kIcmpHeaderLen);
    return;
  }
  FUZZ_CHECK(in.size() >= kIcmpHeaderLen);
  FUZZ_CHECK(m->type == in[0] && m->code == in[1] && m->checksum == be16_at(in, 2));
  FUZZ_CHECK(m->rest == be32_at(in, 4));
  FUZZ_CHECK(m->echo_id() == be16_at(in, 4) && m->echo_seq() == be16_at(in, 6));
  FUZZ_CHECK(is_at(m->body, in, kIcmpHeaderLen, in.size() - kIcmpHeaderLen));
  touch(m->body);
  FUZZ_CHECK(m->checksum_ok == (internet_checksum(in) == 0));
  FUZZ_CHECK(m->is_error() == is_error_type(m->type));

  // A good echo request is what our encoder makes of its id, seq and data (up to the checksum's
  // two spellings of zero, 0000 and ffff).
  if (m->type == icmp_type::echo_request && m->code == 0 && m->checksum_ok) {
    auto again = encode_echo_request(m->echo_id(), m->echo_seq(), m->body);
    FUZZ_CHECK(again.size() == in.size());
    FUZZ_CHECK(same_bytes(ByteView(again).first(2), in.first(2)));
    FUZZ_CHECK(same_bytes(ByteView(again).subspan(4), in.subspan(4)));
    auto decoded = decode_icmp(again);
    FUZZ_CHECK(decoded && decoded->checksum_ok);
  }
  check_error(*m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  check_icmp(in);
  if (auto ip = decode_ipv4(in); ip && ip->header.protocol == kProtoIcmp) {
    FUZZ_CHECK(within(ip->payload, in));
    check_icmp(ip->payload);
  }
  return 0;
}
