#include "vpcprobe/wire/identity.hpp"


namespace vpcprobe::wire {

namespace {
// splitmix64 finaliser: a fast, well-distributed keyed mix (not a MAC; the secret only has to be
// unguessable by other traffic on the wire, not by an attacker with our memory).
std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

std::uint64_t Identity::mix(std::uint64_t a, std::uint64_t b) const { return splitmix(secret_ ^ splitmix(a ^ splitmix(b))); }

std::uint16_t Identity::icmp_id() const {
  auto v = static_cast<std::uint16_t>(mix(1));
  return v == 0 ? 1 : v;
}

std::uint16_t Identity::seq_base() const { return static_cast<std::uint16_t>(mix(2) & 0x7fff); }

std::uint16_t Identity::tcp_source_port(int index) const {
  // Above Linux's default ephemeral range (32768-60999), so a SYN-ACK for us never belongs to a
  // connection of the host's own.
  constexpr long kFirst = 61000, kCount = 65536 - kFirst;
  auto base = static_cast<long>(mix(3) % kCount);
  return static_cast<std::uint16_t>(kFirst + (base + index) % kCount);
}

std::uint32_t Identity::tcp_isn(const wire::IpAddr& src, const wire::IpAddr& dst, std::uint16_t sport, std::uint16_t dport) const {
  // Both addresses folded in, byte by byte, whatever their family.
  std::uint64_t a = 4;
  for (auto b : src.bytes()) a = splitmix(a ^ b);
  std::uint64_t d = 0;
  for (auto b : dst.bytes()) d = splitmix(d ^ b);
  return static_cast<std::uint32_t>(mix(a ^ (d << 1), (std::uint64_t{sport} << 16) | dport));
}

std::uint64_t Identity::payload_tag(std::uint16_t seq) const { return mix(5, seq); }

}  // namespace vpcprobe::wire
