#pragma once
// Probe identities derived from a per-run random secret: an ICMP id, a sequence base, TCP source
// ports and ISNs, and a payload tag. A reply counts only when it carries what this run sent, so
// two vpcprobe runs (or a ping) on the same host never answer each other's probes.
#include <cstdint>

#include "vpcprobe/wire/addr.hpp"

// Pure: the secret comes from the caller (sys::random_secret()), so the derivations test in memory.

namespace vpcprobe::wire {

class Identity {
 public:
  explicit Identity(std::uint64_t secret) : secret_(secret) {}  // sys::random_secret() for a run

  std::uint16_t icmp_id() const;
  std::uint16_t seq_base() const;
  // Source port of the run's probe number `index`: a random base in 61000-65535 plus the index
  // (wrapping inside that range), so no two of a run's first 4536 probes share a port.
  std::uint16_t tcp_source_port(int index) const;
  std::uint32_t tcp_isn(const wire::IpAddr& src, const wire::IpAddr& dst, std::uint16_t sport, std::uint16_t dport) const;
  // 8 bytes for an echo payload, tied to the sequence number.
  std::uint64_t payload_tag(std::uint16_t seq) const;

 private:
  std::uint64_t mix(std::uint64_t a, std::uint64_t b = 0) const;
  std::uint64_t secret_;
};

}  // namespace vpcprobe::wire
