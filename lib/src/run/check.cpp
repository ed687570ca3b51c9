#include "vpcprobe/run/check.hpp"

#include <fmt/format.h>

#include "vpcprobe/diag/check.hpp"
#include "vpcprobe/diag/verdict.hpp"

namespace vpcprobe::run {

model::CheckReport plan_check(const config::Targets& targets, double timeout_s) {
  model::CheckReport report;
  for (const auto& t : targets.targets) {
    model::NamedDiagnosis nd{t.name, {}};
    nd.diagnosis.timeout_s = timeout_s;
    auto path = [&](model::Path role, const model::Endpoint& e) {
      model::PathResult p;
      p.role = role;
      p.endpoint = e;
      p.input = e.host;
      p.port = e.port ? e.port : targets.port;
      p.app = model::app_spec_for(t.app, p.port);
      return p;
    };
    nd.diagnosis.private_path = path(model::Path::private_, t.private_path);
    if (t.public_path) nd.diagnosis.public_path = path(model::Path::public_, *t.public_path);
    report.targets.push_back(std::move(nd));
  }
  for (const auto& n : targets.neigh) {
    model::InterfaceAudit a;
    a.interface = n.interface;
    a.health = n.health;
    report.audits.push_back(std::move(a));
  }
  return report;
}

Result<std::unique_ptr<CheckRun>> CheckRun::start(asio::io_context& io, net::NetlinkClient& nl,
                                                  probe::DiagnosisChannels& channels, const wire::Identity& identity,
                                                  model::CheckReport& report, const CheckSpec& spec, std::function<void()> done) {
  std::unique_ptr<CheckRun> run(new CheckRun(nl, report));
  run->done_ = std::move(done);
  for (auto& t : report.targets) run->diags_.push_back(&t.diagnosis);
  probe::prepare(run->diags_, spec.dns_deadline, nl);
  if (auto ok = channels.watch_hosts(probe::targets_of(run->diags_)); !ok)
    return std::unexpected(ok.error());
  auto* raw = run.get();

  // Neighbor audits share the ARP socket; without it their entries stay unchecked.
  for (auto& a : report.audits) {
    AuditSpec as;
    if (!a.interface.empty()) {
      auto link = nl.link_by_name(a.interface);
      if (!link) return fail(link.error().code, fmt::format("neigh: {}", link.error().message));
      as.ifindex = link->ifindex;
    }
    as.verify = channels.arp() != nullptr || channels.ndp() != nullptr;
    as.health = a.health;
    as.rate_pps = spec.rate_pps / 2;
    as.timeout = spec.timeout;
    ++run->pending_;
    run->rounds_.push_back(AuditRound::start(io, nl, channels.arp(), as, [raw, &a](Result<model::NeighReport> r) {
      if (r) a.report = std::move(*r);
      else raw->fatal_ = r.error();
      a.finished = !raw->cut_short_;
      raw->one_done();
    }, channels.ndp()));
  }
  // Each path sends about 24 packets (2 ARP, 5 echoes, up to 12 DF echoes, 5 SYNs; more when a
  // series disagrees): space the paths.
  const auto gap = std::chrono::duration_cast<probe::Schedule::Duration>(std::chrono::duration<double>(24.0 / spec.rate_pps));
  ++run->pending_;
  probe::PathPlan plan;
  plan.timeout = spec.timeout;
  plan.count = spec.count;
  run->schedule_ = probe::start(io, channels, identity, run->diags_, plan, gap, [raw] {
    raw->diagnoses_done_ = true;
    raw->one_done();
  });
  return run;
}

void CheckRun::one_done() {
  if (--pending_ == 0 && done_) {
    auto done = std::move(done_);
    done();
  }
}

void CheckRun::cut() {
  cut_short_ = true;
  for (auto& r : rounds_) r->cancel();
  if (schedule_) schedule_->cancel();
}

Result<void> CheckRun::conclude(std::chrono::steady_clock::time_point started) {
  if (fatal_) return std::unexpected(*fatal_);
  probe::conclude(diags_, nl_, !diagnoses_done_, started);
  for (auto* d : diags_) diag::judge(*d);
  report_.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  diag::conclude_check(report_);
  return {};
}

}  // namespace vpcprobe::run
