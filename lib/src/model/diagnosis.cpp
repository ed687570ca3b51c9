#include "vpcprobe/model/diagnosis.hpp"

#include <algorithm>

namespace vpcprobe::model {

std::string layer_name(Layer l) {
  switch (l) {
    case Layer::dns: return "dns";
    case Layer::route: return "route";
    case Layer::link: return "link";
    case Layer::neighbor: return "neighbor";
    case Layer::network: return "network";
    case Layer::transport: return "transport";
    case Layer::mtu: return "mtu";
    case Layer::application: return "application";
    case Layer::none: return "none";
    case Layer::unknown: return "unknown";
  }
  return "unknown";
}

std::string check_name(Check c) {
  switch (c) {
    case Check::pass: return "pass";
    case Check::fail: return "fail";
    case Check::warn: return "warn";
    case Check::skipped: return "skipped";
    case Check::not_tested: return "not_tested";
    case Check::degraded: return "degraded";
  }
  return "not_tested";
}

std::optional<RttSummary> rtt_summary(std::vector<double> rtts) {
  if (rtts.empty()) return std::nullopt;
  std::sort(rtts.begin(), rtts.end());
  const std::size_t n = rtts.size();
  const double median = n % 2 ? rtts[n / 2] : (rtts[n / 2 - 1] + rtts[n / 2]) / 2;
  return RttSummary{rtts.front(), median, rtts.back()};
}

SeriesSummary summarize(const std::vector<EchoResult>& echoes) {
  SeriesSummary s;
  for (const auto& e : echoes) {
    switch (e.outcome) {
      case EchoOutcome::reply:
        ++s.sent;
        ++s.answered;
        s.rtts_ms.push_back(e.rtt_ms);
        break;
      case EchoOutcome::icmp_error:
        ++s.sent;
        ++s.errors;
        break;
      case EchoOutcome::timeout:
        ++s.sent;
        ++s.lost;
        break;
      case EchoOutcome::send_error:
      case EchoOutcome::interrupted: break;
    }
  }
  return s;
}

SeriesSummary summarize(const std::vector<TcpResult>& syns) {
  SeriesSummary s;
  for (const auto& t : syns) {
    switch (t.state) {
      case TcpState::open:
      case TcpState::closed:
      case TcpState::rejected:
        ++s.sent;
        ++s.answered;
        s.rtts_ms.push_back(t.rtt_ms);
        break;
      case TcpState::filtered:
        ++s.sent;
        ++s.lost;
        break;
      case TcpState::error:
      case TcpState::interrupted: break;
    }
  }
  return s;
}

DfLoss df_loss_below(const std::vector<MtuProbe>& probes) {
  std::uint32_t largest_ok = 0;
  for (const auto& m : probes)
    if (m.answered) largest_ok = std::max(largest_ok, m.size);
  DfLoss d;
  for (const auto& m : probes) {
    if (m.size > largest_ok || m.interrupted) continue;
    ++d.of;
    d.lost += !m.answered && !(m.error && m.error->mtu);
  }
  return d;
}

std::optional<PathRtt> path_rtt(const PathResult& p) {
  std::vector<double> tcp, icmp;
  for (const auto& t : p.syns)
    if (t.state == TcpState::open) tcp.push_back(t.rtt_ms);
  for (const auto& e : p.echoes)
    if (e.outcome == EchoOutcome::reply) icmp.push_back(e.rtt_ms);
  if (auto r = rtt_summary(std::move(tcp))) return PathRtt{"tcp", r->median_ms};
  if (auto r = rtt_summary(std::move(icmp))) return PathRtt{"icmp", r->median_ms};
  return std::nullopt;
}

std::string path_name(Path p) {
  switch (p) {
    case Path::private_: return "private";
    case Path::public_: return "public";
    case Path::both: return "both";
    case Path::none: return "none";
  }
  return "none";
}

std::string cause_name(Cause c) {
  switch (c) {
    case Cause::no_privilege: return "no_privilege";
    case Cause::interrupted: return "interrupted";
    case Cause::not_applicable: return "not_applicable";
    case Cause::below_failure: return "below_failure";
    case Cause::send_error: return "send_error";
    case Cause::lookup_failed: return "lookup_failed";
    case Cause::no_socket: return "no_socket";
    case Cause::link_without_arp: return "link_without_arp";
    case Cause::no_source: return "no_source";
  }
  return "not_applicable";
}

Check check_for(Cause c) {
  switch (c) {
    // The check applies, and only this run could not make it: never guessed, said out loud.
    case Cause::no_privilege:
    case Cause::interrupted:
    case Cause::send_error:
    case Cause::lookup_failed:
    case Cause::no_socket: return Check::not_tested;
    // The question does not arise on this path.
    case Cause::not_applicable:
    case Cause::below_failure:
    case Cause::link_without_arp:
    case Cause::no_source: return Check::skipped;
  }
  return Check::not_tested;
}

}  // namespace vpcprobe::model
