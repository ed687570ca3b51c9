#include "vpcprobe/probe/witness.hpp"

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <sys/socket.h>

#include <algorithm>
#include <span>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "vpcprobe/wire/icmp.hpp"
#include "vpcprobe/wire/icmpv6.hpp"
#include "vpcprobe/wire/ipv4.hpp"
#include "vpcprobe/wire/ipv6.hpp"
#include "vpcprobe/wire/tcp.hpp"

namespace vpcprobe::probe {

void Witness::start() {
  if (watching_) return;
  watching_ = true;
  std::weak_ptr<Witness> weak = shared_from_this();
  listener_ = channel_.subscribe([weak](const net::Received& rx) {
    auto self = weak.lock();
    return self && self->on_packet(rx);
  });
}

void Witness::cancel() {
  if (!watching_) return;
  watching_ = false;
  channel_.unsubscribe(listener_);
}

Witness::Witness(net::Channel& channel, WitnessSpec spec)
    : channel_(channel),
      spec_(std::move(spec)),
      echo_seen_out_(spec_.echo_seq_count, false),
      echo_seen_in_(spec_.echo_seq_count, false),
      tcp_seen_out_(spec_.tcp_sports.size(), false),
      tcp_seen_in_(spec_.tcp_sports.size(), false) {}

std::optional<std::size_t> Witness::sport_index(std::uint16_t sport) const {
  auto it = std::find(spec_.tcp_sports.begin(), spec_.tcp_sports.end(), sport);
  if (it == spec_.tcp_sports.end()) return std::nullopt;
  return static_cast<std::size_t>(it - spec_.tcp_sports.begin());
}

bool Witness::on_packet(const net::Received& rx) {
  if (!watching_) return false;
  // The packet's addresses, transport protocol and payload, of the target's family.
  wire::IpAddr src, dst;
  std::uint8_t protocol = 0;
  wire::ByteView payload;
  if (spec_.target.is_v4()) {
    auto ip = wire::decode_ipv4(rx.bytes);
    if (!ip || ip->header.fragment_offset != 0) return false;
    src = ip->header.src;
    dst = ip->header.dst;
    protocol = ip->header.protocol;
    payload = ip->payload;
  } else {
    auto ip = wire::decode_ipv6(rx.bytes);
    if (!ip || ip->fragment_offset != 0) return false;
    src = ip->header.src;
    dst = ip->header.dst;
    protocol = ip->protocol;
    payload = ip->payload;
  }
  const bool out = rx.outgoing && dst == spec_.target;
  const bool in = !rx.outgoing && src == spec_.target;
  if (!out && !in) return false;
  // Counted once per probe; every device it passed is remembered.
  auto note = [&](std::vector<bool>& seen, std::size_t index, int& count) {
    if (!seen[index]) {
      seen[index] = true;
      ++count;
    }
    auto& where = out ? counts_.out_ifindexes : counts_.in_ifindexes;
    if (std::find(where.begin(), where.end(), rx.ifindex) == where.end() && where.size() < 8) where.push_back(rx.ifindex);
    return true;
  };
  if (protocol == wire::kProtoIcmp && spec_.target.is_v4()) {
    auto icmp = wire::decode_icmp(payload);
    if (!icmp || icmp->echo_id() != spec_.echo_id) return false;
    const auto offset = static_cast<std::uint16_t>(icmp->echo_seq() - spec_.echo_seq_first);
    if (offset >= spec_.echo_seq_count) return false;
    if (out && icmp->type == wire::icmp_type::echo_request) return note(echo_seen_out_, offset, counts_.echo_out);
    if (in && icmp->type == wire::icmp_type::echo_reply) return note(echo_seen_in_, offset, counts_.echo_in);
    return false;
  }
  if (protocol == wire::kProtoIcmpv6 && spec_.target.is_v6()) {
    auto icmp = wire::decode_icmpv6(payload);
    if (!icmp || icmp->code != 0 || icmp->echo_id() != spec_.echo_id) return false;
    const auto offset = static_cast<std::uint16_t>(icmp->echo_seq() - spec_.echo_seq_first);
    if (offset >= spec_.echo_seq_count) return false;
    if (out && icmp->type == wire::icmp6_type::echo_request) return note(echo_seen_out_, offset, counts_.echo_out);
    if (in && icmp->type == wire::icmp6_type::echo_reply) return note(echo_seen_in_, offset, counts_.echo_in);
    return false;
  }
  if (protocol == wire::kProtoTcp) {
    auto seg = wire::decode_tcp(payload);
    if (!seg) return false;
    if (out && seg->has(wire::tcp_flag::syn) && !seg->has(wire::tcp_flag::ack) && seg->dport == spec_.tcp_dport)
      if (auto i = sport_index(seg->sport)) return note(tcp_seen_out_, *i, counts_.tcp_out);
    if (in && seg->sport == spec_.tcp_dport && (seg->has(wire::tcp_flag::syn | wire::tcp_flag::ack) || seg->has(wire::tcp_flag::rst)))
      if (auto i = sport_index(seg->dport)) return note(tcp_seen_in_, *i, counts_.tcp_in);
  }
  return false;
}

Result<void> filter_hosts(net::Channel& witness, const std::vector<wire::IpAddr>& hosts) {
  // For each host: "src == host? accept" and "dst == host? accept", two instructions each, so no
  // jump is longer than one instruction (BPF jumps reach 255 at most). An IPv6 host is compared by
  // the last 32 bits of its address only (the packet's whole address is compared again when it is
  // read): the same two instructions, and a program far inside the kernel's 4096.
  std::vector<sock_filter> code;
  std::vector<std::uint32_t> v4, v6;
  auto last_word = [](std::span<const std::uint8_t> b) {
    const auto n = b.size();
    return (std::uint32_t{b[n - 4]} << 24) | (std::uint32_t{b[n - 3]} << 16) | (std::uint32_t{b[n - 2]} << 8) | b[n - 1];
  };
  for (const auto& h : hosts) {
    auto& list = h.is_v4() ? v4 : v6;
    const auto w = last_word(h.bytes());
    if (std::find(list.begin(), list.end(), w) == list.end()) list.push_back(w);
  }
  constexpr std::uint32_t kKeep = 256;  // the headers are all we read
  const auto protocol = static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL);
  // Each list of words: "load the word at each offset; equal to a host? accept", then drop.
  auto match = [&](std::vector<sock_filter>& out, const std::vector<std::uint32_t>& words, std::initializer_list<std::uint32_t> offsets) {
    for (std::uint32_t offset : offsets) {
      out.push_back({BPF_LD | BPF_W | BPF_ABS, 0, 0, offset});
      for (auto w : words) {
        out.push_back({BPF_JMP | BPF_JEQ | BPF_K, 0, 1, w});
        out.push_back({BPF_RET | BPF_K, 0, 0, kKeep});
      }
    }
    out.push_back({BPF_RET | BPF_K, 0, 0, 0});
  };
  // IPv6 frames: the last word of the source (offset 8 + 12) or destination (24 + 12); other
  // frames jump (a long jump) to the IPv4 part.
  std::vector<sock_filter> six;
  match(six, v6, {20u, 36u});
  code.push_back({BPF_LD | BPF_H | BPF_ABS, 0, 0, protocol});
  code.push_back({BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ETH_P_IPV6});
  code.push_back({BPF_JMP | BPF_JA, 0, 0, static_cast<std::uint32_t>(six.size())});
  code.insert(code.end(), six.begin(), six.end());
  // IPv4 frames only from here (the socket takes every protocol, for the outgoing copies)
  code.push_back({BPF_LD | BPF_H | BPF_ABS, 0, 0, protocol});
  code.push_back({BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ETH_P_IP});
  code.push_back({BPF_RET | BPF_K, 0, 0, 0});
  match(code, v4, {12u, 16u});
  if (code.size() > BPF_MAXINSNS) return fail(Errc::invalid_argument, "too many hosts for the witness filter");
  sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
  if (::setsockopt(witness.native(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0)
    return fail(Errc::system, fmt::format("witness socket filter: {}", std::strerror(errno)));
  return {};
}

}  // namespace vpcprobe::probe
