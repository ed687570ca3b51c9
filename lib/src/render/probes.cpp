#include "vpcprobe/render/probes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "json_util.hpp"
#include "vpcprobe/model/stats.hpp"
#include "vpcprobe/render/words.hpp"

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
  const std::string ip = t.zone.empty() ? t.addr.to_string() : t.addr.to_string() + "%" + t.zone;
  if (!t.was_name) return ip;
  // A name with both families says which one was probed, and how to ask for the other.
  const std::string other = t.other_family ? fmt::format("; {}, also {} {}: {}", wire::family_name(t.addr.family()),
                                                         wire::family_name(t.other_family->family()), t.other_family->to_string(),
                                                         t.addr.is_v4() ? "-6" : "-4")
                                           : "";
  return fmt::format("{} ({}, resolved in {:.1f} ms{})", t.name, ip, t.resolve_ms, other);
}

json target_json(const model::TargetInfo& t) {
  return {{"name", t.name},
          {"ip", t.addr.to_string()},
          {"family", t.addr.is_v4() ? "ipv4" : "ipv6"},
          {"other_family_ip", t.other_family ? json(t.other_family->to_string()) : json(nullptr)},
          {"resolved", t.was_name},
          {"resolve_ms", t.was_name ? json(round3(t.resolve_ms)) : json(nullptr)}};
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

std::string ping_header(const model::PingReport& r) {
  // As iputils: IPv4 counts the 20 + 8 header bytes in, IPv6 shows the data bytes only.
  const std::string size = r.target.addr.is_v6() ? fmt::format("{} data bytes", r.payload_size)
                                                  : fmt::format("{}({}) bytes of data", r.payload_size, r.payload_size + 28);
  return fmt::format("PING {} {} via {}{}{}{}\n", target_words(r.target), size, method_words(r.method),
                     r.interface.empty() ? "" : fmt::format(", interface {}", r.interface),
                     r.ttl ? fmt::format(", ttl {}", r.ttl) : "", r.dont_fragment ? ", DF set" : "");
}

std::string ping_line(const model::PingReport& r, const model::EchoResult& e) {
  switch (e.outcome) {
    case model::EchoOutcome::reply:
      return fmt::format("{} bytes from {}: icmp_seq={}{} time={:.3f} ms\n", e.bytes, r.target.addr.to_string(), e.seq,
                         e.ttl ? fmt::format(" ttl={}", *e.ttl) : "", e.rtt_ms);
    case model::EchoOutcome::icmp_error:
      return fmt::format("From {} icmp_seq={} {} ({} type {} code {})\n", e.error->from.to_string(), e.seq,
                         icmp_meaning(*e.error), e.error->from.is_v6() ? "ICMPv6" : "ICMP", e.error->type, e.error->code);
    case model::EchoOutcome::timeout:
      return fmt::format("no reply for icmp_seq={}\n", e.seq);
    case model::EchoOutcome::send_error:
      return fmt::format("icmp_seq={} not sent: {}\n", e.seq, e.send_error ? send_error_text(*e.send_error) : "send failed");
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
  if (r.send_retries) out += fmt::format("{} sends retried after a full buffer or queue (ENOBUFS/EAGAIN)\n", r.send_retries);
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
                      {"icmp_error", detail::icmp_json(p.error)},
                      {"send_error", p.send_error ? json(send_error_text(*p.send_error)) : json(nullptr)}});
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
                  {"send_retries", r.send_retries},
                  {"elapsed_ms", round3(r.elapsed_ms)},
                  {"interrupted", r.interrupted}};
  j["status"] = model::status_name(r.status);
  return detail::dump(j);
}

std::string tcp_header(const model::TcpReport& r) {
  std::string ports;
  for (auto p : r.ports) {
    if (!ports.empty()) ports += ',';
    ports += std::to_string(p);
  }
  return fmt::format("TCP {} port{} {} via {}\n", target_words(r.target), r.ports.size() == 1 ? "" : "s", ports,
                     r.method == model::ProbeMethod::raw ? "raw SYN (half-open)" : method_words(r.method));
}

std::string tcp_line(const model::TcpReport&, const model::TcpResult& t) {
  if (t.state == model::TcpState::interrupted) return "";
  std::string what;
  switch (t.state) {
    case model::TcpState::open: what = fmt::format("{:.3f} ms  ({})", t.rtt_ms, tcp_detail(t)); break;
    case model::TcpState::closed: what = fmt::format("{:.3f} ms  ({}: nothing listens)", t.rtt_ms, tcp_detail(t)); break;
    case model::TcpState::rejected:
      what = t.error ? fmt::format("{:.3f} ms  ({})", t.rtt_ms, icmp_error_text(*t.error))
                     : fmt::format("{:.3f} ms  ({})", t.rtt_ms, tcp_detail(t));
      break;
    case model::TcpState::filtered: what = fmt::format("({}: dropped on the way)", tcp_detail(t)); break;
    default: what = tcp_detail(t); break;
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
  if (r.send_retries) out += fmt::format("{} sends retried after a full buffer or queue (ENOBUFS/EAGAIN)\n", r.send_retries);
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
                      {"detail", tcp_detail(t)},
                      {"icmp_error", detail::icmp_json(t.error)}});
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
                  {"send_retries", r.send_retries},
                  {"elapsed_ms", round3(r.elapsed_ms)},
                  {"interrupted", r.interrupted}};
  if (r.batched) j["summary"]["batch_size"] = r.batch_size;
  j["status"] = model::status_name(r.status);
  return detail::dump(j);
}

namespace {
struct PingText final : Renderer<model::PingReport> {
  std::string header(const model::PingReport& r) const override { return ping_header(r); }
  std::string progress(const model::PingReport& r, std::size_t i) const override { return ping_line(r, r.probes.at(i)); }
  std::string report(const model::PingReport& r) const override { return ping_summary(r); }
};
struct PingJson final : Renderer<model::PingReport> {
  std::string report(const model::PingReport& r) const override { return ping_json(r); }
};
struct TcpText final : Renderer<model::TcpReport> {
  std::string header(const model::TcpReport& r) const override { return tcp_header(r); }
  std::string progress(const model::TcpReport& r, std::size_t i) const override { return tcp_line(r, r.probes.at(i)); }
  std::string report(const model::TcpReport& r) const override { return tcp_summary(r); }
};
struct TcpJson final : Renderer<model::TcpReport> {
  std::string report(const model::TcpReport& r) const override { return tcp_json(r); }
};
}  // namespace

template <>
Result<RendererPtr<model::PingReport>> make_renderer<model::PingReport>(Format f, const Style&) {
  if (f == Format::text) return std::make_unique<PingText>();
  if (f == Format::json) return std::make_unique<PingJson>();
  return fail(Errc::invalid_argument, fmt::format("ping has no {} output", format_name(f)));
}

template <>
Result<RendererPtr<model::TcpReport>> make_renderer<model::TcpReport>(Format f, const Style&) {
  if (f == Format::text) return std::make_unique<TcpText>();
  if (f == Format::json) return std::make_unique<TcpJson>();
  return fail(Errc::invalid_argument, fmt::format("tcp has no {} output", format_name(f)));
}

}  // namespace vpcprobe::render
