#include "vpcprobe/probe/witness.hpp"

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "vpcprobe/wire/icmp.hpp"
#include "vpcprobe/wire/ipv4.hpp"
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
  if (!watching_ || !spec_.target.is_v4()) return false;
  auto ip = wire::decode_ipv4(rx.bytes);
  if (!ip) return false;
  const wire::IpAddr src = ip->header.src, dst = ip->header.dst;
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
  if (ip->header.protocol == wire::kProtoIcmp) {
    auto icmp = wire::decode_icmp(ip->payload);
    if (!icmp || icmp->echo_id() != spec_.echo_id) return false;
    const auto offset = static_cast<std::uint16_t>(icmp->echo_seq() - spec_.echo_seq_first);
    if (offset >= spec_.echo_seq_count) return false;
    if (out && icmp->type == wire::icmp_type::echo_request) return note(echo_seen_out_, offset, counts_.echo_out);
    if (in && icmp->type == wire::icmp_type::echo_reply) return note(echo_seen_in_, offset, counts_.echo_in);
    return false;
  }
  if (ip->header.protocol == wire::kProtoTcp) {
    auto seg = wire::decode_tcp(ip->payload);
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
  // jump is longer than one instruction (BPF jumps reach 255 at most).
  std::vector<sock_filter> code;
  std::vector<std::uint32_t> v4;
  for (const auto& h : hosts)
    if (h.is_v4()) v4.push_back(h.v4().value);
  if (v4.size() > 900) return fail(Errc::invalid_argument, "too many hosts for the witness filter");
  constexpr std::uint32_t kKeep = 256;  // the headers are all we read
  // IPv4 frames only (the socket takes every protocol, for the outgoing copies)
  code.push_back({BPF_LD | BPF_H | BPF_ABS, 0, 0, static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL)});
  code.push_back({BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ETH_P_IP});
  code.push_back({BPF_RET | BPF_K, 0, 0, 0});
  for (std::uint32_t offset : {12u, 16u}) {
    code.push_back({BPF_LD | BPF_W | BPF_ABS, 0, 0, offset});
    for (auto h : v4) {
      code.push_back({BPF_JMP | BPF_JEQ | BPF_K, 0, 1, h});
      code.push_back({BPF_RET | BPF_K, 0, 0, kKeep});
    }
  }
  code.push_back({BPF_RET | BPF_K, 0, 0, 0});
  sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
  if (::setsockopt(witness.native(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0)
    return fail(Errc::system, fmt::format("witness socket filter: {}", std::strerror(errno)));
  return {};
}

}  // namespace vpcprobe::probe
