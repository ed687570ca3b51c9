#include "vpcprobe/render/probes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "json_util.hpp"
#include "vpcprobe/model/stats.hpp"

namespace vpcprobe::render {

using nlohmann::json;
using detail::round3;

namespace {

std::string method_words(model::ProbeMethod m) {
  switch (m) {
    case model::ProbeMethod::raw: return "raw socket";
    case model::ProbeMethod::ping_socket: return "unprivileged ping socket";
    case model::ProbeMethod::connect: return "unprivileged connect()";
  }
  return "unknown";
}

std::string target_words(const model::TargetInfo& t) {
  if (!t.was_name) return t.addr.to_string();
  return fmt::format("{} ({}, resolved in {:.1f} ms)", t.name, t.addr.to_string(), t.resolve_ms);
}

json target_json(const model::TargetInfo& t) {
  return {{"name", t.name}, {"ip", t.addr.to_string()}, {"resolved", t.was_name},
          {"resolve_ms", t.was_name ? json(round3(t.resolve_ms)) : json(nullptr)}};
}

json icmp_json(const std::optional<model::IcmpErrorInfo>& e) {
  if (!e) return nullptr;
  return {{"type", e->type}, {"code", e->code}, {"meaning", e->meaning}, {"from", e->from.to_string()},
          {"mtu", e->mtu ? json(e->mtu) : json(nullptr)}};
}

struct EchoCounts {
  int sent = 0, received = 0, errors = 0;
  std::vector<double> rtts;
};

EchoCounts count(const model::PingReport& r) {
  EchoCounts c;
  for (auto& p : r.probes) {
    if (p.outcome == model::EchoOutcome::interrupted || p.outcome == model::EchoOutcome::send_error) continue;
    ++c.sent;
    if (p.outcome == model::EchoOutcome::reply) {
      ++c.received;
      c.rtts.push_back(p.rtt_ms);
    } else if (p.outcome == model::EchoOutcome::icmp_error) {
      ++c.errors;
    }
  }
  return c;
}

}  // namespace

std::string icmp_error_text(const model::IcmpErrorInfo& e) {
  return fmt::format("{} (ICMP type {} code {}) from {}", e.meaning, e.type, e.code, e.from.to_string());
}

std::string ping_header(const model::PingReport& r) {
  return fmt::format("PING {} {}({}) bytes of data via {}{}{}{}\n", target_words(r.target), r.payload_size,
                     r.payload_size + 28, method_words(r.method),
                     r.interface.empty() ? "" : fmt::format(", interface {}", r.interface),
                     r.ttl ? fmt::format(", ttl {}", r.ttl) : "", r.dont_fragment ? ", DF set" : "");
}

std::string ping_line(const model::PingReport& r, const model::EchoResult& e) {
  switch (e.outcome) {
    case model::EchoOutcome::reply:
      return fmt::format("{} bytes from {}: icmp_seq={}{} time={:.3f} ms\n", e.bytes, r.target.addr.to_string(), e.seq,
                         e.ttl ? fmt::format(" ttl={}", *e.ttl) : "", e.rtt_ms);
    case model::EchoOutcome::icmp_error:
      return fmt::format("From {} icmp_seq={} {} (ICMP type {} code {})\n", e.error->from.to_string(), e.seq, e.error->meaning,
                         e.error->type, e.error->code);
    case model::EchoOutcome::timeout:
      return fmt::format("no reply for icmp_seq={}\n", e.seq);
    case model::EchoOutcome::send_error:
      return fmt::format("icmp_seq={} not sent: {}\n", e.seq, e.send_error);
    case model::EchoOutcome::interrupted:
      return "";
  }
  return "";
}

std::string ping_summary(const model::PingReport& r) {
  auto c = count(r);
  std::string out = fmt::format("--- {} ping statistics ---\n", r.target.addr.to_string());
  out += fmt::format("{} packets transmitted, {} received{}, {:.0f}% packet loss, time {:.0f}ms{}\n", c.sent,
                     c.received, c.errors ? fmt::format(", {} errors", c.errors) : "",
                     model::loss_percent(c.sent, c.received), r.elapsed_ms, r.interrupted ? " (interrupted)" : "");
  if (auto s = model::rtt_stats(c.rtts))
    out += fmt::format("rtt min/avg/max/mdev = {:.3f}/{:.3f}/{:.3f}/{:.3f} ms\n", s->min_ms, s->avg_ms, s->max_ms, s->mdev_ms);
  if (r.rejected) out += fmt::format("{} ICMP packets ignored (not answers to this run's probes)\n", r.rejected);
  return out;
}

std::string ping_json(const model::PingReport& r) {
  json probes = json::array();
  for (auto& p : r.probes) {
    probes.push_back({{"seq", p.seq},
                      {"outcome", model::echo_outcome_name(p.outcome)},
                      {"rtt_ms", (p.outcome == model::EchoOutcome::reply || p.outcome == model::EchoOutcome::icmp_error)
                                     ? json(round3(p.rtt_ms)) : json(nullptr)},
                      {"ttl", p.ttl ? json(*p.ttl) : json(nullptr)},
                      {"bytes", p.outcome == model::EchoOutcome::reply ? json(p.bytes) : json(nullptr)},
                      {"icmp_error", icmp_json(p.error)},
                      {"send_error", p.send_error.empty() ? json(nullptr) : json(p.send_error)}});
  }
  auto c = count(r);
  json j;
  j["schema"] = "vpcprobe.ping/1";
  j["target"] = target_json(r.target);
  j["method"] = model::method_name(r.method);
  j["payload_size"] = r.payload_size;
  j["ttl"] = r.ttl ? json(r.ttl) : json(nullptr);
  j["dont_fragment"] = r.dont_fragment;
  j["interface"] = r.interface.empty() ? json(nullptr) : json(r.interface);
  j["probes"] = probes;
  j["summary"] = {{"sent", c.sent},
                  {"received", c.received},
                  {"errors", c.errors},
                  {"loss_percent", round3(model::loss_percent(c.sent, c.received))},
                  {"rtt_ms", detail::rtt_json(model::rtt_stats(c.rtts))},
                  {"ignored_packets", r.rejected},
                  {"elapsed_ms", round3(r.elapsed_ms)},
                  {"interrupted", r.interrupted}};
  j["status"] = model::status_name(r.status);
  return j.dump(2) + "\n";
}

std::string tcp_header(const model::TcpReport& r) {
  std::string ports;
  for (auto p : r.ports) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  return fmt::format("TCP {} port{} {} via {}\n", target_words(r.target), r.ports.size() == 1 ? "" : "s", ports,
                     r.method == model::ProbeMethod::raw ? "raw SYN (half-open)" : method_words(r.method));
}

std::string tcp_line(const model::TcpReport&, const model::TcpResult& t) {
  if (t.state == model::TcpState::interrupted) return "";
  std::string what;
  switch (t.state) {
    case model::TcpState::open: what = fmt::format("{:.3f} ms  ({})", t.rtt_ms, t.detail); break;
    case model::TcpState::closed: what = fmt::format("{:.3f} ms  ({}: nothing listens)", t.rtt_ms, t.detail); break;
    case model::TcpState::rejected:
      what = t.error ? fmt::format("{:.3f} ms  ({})", t.rtt_ms, icmp_error_text(*t.error))
                     : fmt::format("{:.3f} ms  ({})", t.rtt_ms, t.detail);
      break;
    case model::TcpState::filtered: what = fmt::format("({}: dropped on the way)", t.detail); break;
    default: what = t.detail; break;
  }
  return fmt::format("{}/tcp  {:<8}  {}\n", t.port, model::tcp_state_name(t.state), what);
}

std::string tcp_summary(const model::TcpReport& r) {
  int counts[7] = {};
  std::vector<double> rtts;
  for (auto& t : r.probes) {
    counts[static_cast<int>(t.state)]++;
    if (t.state == model::TcpState::open) rtts.push_back(t.rtt_ms);
  }
  using S = model::TcpState;
  std::string out = fmt::format("--- {} tcp statistics ---\n", r.target.addr.to_string());
  out += fmt::format("{} probes: {} open, {} closed, {} rejected, {} filtered{}, time {:.0f}ms{}\n",
                     r.probes.size() - static_cast<std::size_t>(counts[static_cast<int>(S::interrupted)]),
                     counts[static_cast<int>(S::open)], counts[static_cast<int>(S::closed)],
                     counts[static_cast<int>(S::rejected)], counts[static_cast<int>(S::filtered)],
                     counts[static_cast<int>(S::error)] ? fmt::format(", {} errors", counts[static_cast<int>(S::error)]) : "",
                     r.elapsed_ms, r.interrupted ? " (interrupted)" : "");
  if (auto s = model::rtt_stats(rtts))
    out += fmt::format("rtt min/avg/max/mdev = {:.3f}/{:.3f}/{:.3f}/{:.3f} ms\n", s->min_ms, s->avg_ms, s->max_ms, s->mdev_ms);
  if (r.rejected) out += fmt::format("{} packets ignored (not answers to this run's probes)\n", r.rejected);
  return out;
}

std::string tcp_json(const model::TcpReport& r) {
  json probes = json::array();
  std::vector<double> rtts;
  for (auto& t : r.probes) {
    bool answered = t.state == model::TcpState::open || t.state == model::TcpState::closed || t.state == model::TcpState::rejected;
    probes.push_back({{"port", t.port},
                      {"attempt", t.attempt},
                      {"state", model::tcp_state_name(t.state)},
                      {"rtt_ms", answered ? json(round3(t.rtt_ms)) : json(nullptr)},
                      {"detail", t.detail},
                      {"icmp_error", icmp_json(t.error)}});
    if (t.state == model::TcpState::open) rtts.push_back(t.rtt_ms);
  }
  json ports = json::array();
  for (auto p : r.ports) ports.push_back(p);
  json j;
  j["schema"] = "vpcprobe.tcp/1";
  j["target"] = target_json(r.target);
  j["method"] = model::method_name(r.method);
  j["ports"] = ports;
  j["probes"] = probes;
  auto state_count = [&](model::TcpState st) {
    return std::count_if(r.probes.begin(), r.probes.end(), [&](const model::TcpResult& t) { return t.state == st; });
  };
  j["summary"] = {{"open", state_count(model::TcpState::open)},
                  {"closed", state_count(model::TcpState::closed)},
                  {"rejected", state_count(model::TcpState::rejected)},
                  {"filtered", state_count(model::TcpState::filtered)},
                  {"errors", state_count(model::TcpState::error)},
                  {"rtt_ms", detail::rtt_json(model::rtt_stats(rtts))},
                  {"ignored_packets", r.rejected},
                  {"elapsed_ms", round3(r.elapsed_ms)},
                  {"interrupted", r.interrupted}};
  j["status"] = model::status_name(r.status);
  return j.dump(2) + "\n";
}

}  // namespace vpcprobe::render
