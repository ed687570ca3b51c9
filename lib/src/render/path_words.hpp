#pragma once
// Small words about a path that the layer and verdict words share. Private to render/.
#include <string>

#include <fmt/format.h>

#include "vpcprobe/model/diagnosis.hpp"

namespace vpcprobe::render::detail {

inline std::string ip_of(const model::PathResult& p) { return p.target ? p.target->addr.to_string() : p.input; }
inline bool is_v6(const model::PathResult& p) {
  return p.target ? p.target->addr.is_v6() : p.endpoint.literal && p.endpoint.literal->is_v6();
}
// The ICMP error that carries a path MTU, by the path's family.
inline const char* too_big_words(const model::PathResult& p) { return is_v6(p) ? "Packet Too Big" : "fragmentation needed"; }
// ADDRESS:PORT, with an IPv6 address in brackets ([fd00:7c::5]:5432).
inline std::string with_port(const model::PathResult& p, const std::string& host, std::uint16_t port) {
  return is_v6(p) && host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}
inline const char* local_rule_words() {
  return "a local firewall rule (nftables/iptables, kube-proxy, a CNI) refuses it: `nft list ruleset` or `iptables-save` shows it";
}
inline std::string where_of(const model::PathResult& p) { return with_port(p, ip_of(p), p.port.value_or(0)); }
inline std::string dev_of(const model::PathResult& p) { return p.link ? p.link->name : std::string("DEV"); }
inline std::string role(const model::PathResult& p) { return model::path_name(p.role); }
inline std::string src_of(const model::PathResult& p) {
  return p.route && p.route->prefsrc ? p.route->prefsrc->to_string() : std::string("this host");
}
// "db.vpc.internal (10.124.0.5:5432)", or "10.124.0.5:5432" for an address typed as such.
inline std::string target_words(const model::PathResult& p) {
  std::string s = p.port ? with_port(p, ip_of(p), *p.port) : ip_of(p);
  if (p.target && p.target->was_name) s = fmt::format("{} ({})", p.input, s);
  return s;
}
// "min/median/max 0.02/0.03/0.05 ms"
inline std::string rtt_words(const model::SeriesSummary& s) {
  auto r = model::rtt_summary(s.rtts_ms);
  if (!r) return "";
  return fmt::format("RTT min/median/max {:.2f}/{:.2f}/{:.2f} ms", r->min_ms, r->median_ms, r->max_ms);
}

}  // namespace vpcprobe::render::detail
