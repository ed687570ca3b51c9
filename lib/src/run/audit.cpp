#include "vpcprobe/run/audit.hpp"

#include <algorithm>

#include "vpcprobe/diag/neigh_audit.hpp"
#include "vpcprobe/diag/neigh_health.hpp"
#include "vpcprobe/probe/neigh_health.hpp"

namespace vpcprobe::run {

AuditRound::AuditRound(asio::io_context& io, net::NetlinkClient& nl, net::Channel* arp, net::Channel* ndp, AuditSpec spec, Done done)
    : io_(io), nl_(nl), arp_(arp), ndp_(ndp), spec_(std::move(spec)), done_(std::move(done)) {}

std::shared_ptr<AuditRound> AuditRound::start(asio::io_context& io, net::NetlinkClient& nl, net::Channel* arp, AuditSpec spec,
                                              Done done, net::Channel* ndp) {
  std::shared_ptr<AuditRound> round(new AuditRound(io, nl, arp, ndp, std::move(spec), std::move(done)));
  round->begin();
  return round;
}

void AuditRound::begin() {
  started_ = std::chrono::steady_clock::now();
  auto table = probe::read_audit_table(nl_, spec_.ifindex, spec_.families);
  if (!table) {
    finished_ = true;
    asio::post(io_, [done = std::move(done_), e = table.error()] { done(std::unexpected(e)); });
    return;
  }
  table_ = std::move(*table);
  // The first --watch round judges the counters' increase during itself: read them now.
  if (spec_.health && spec_.watch && !spec_.previous)
    if (auto t = nl_.neigh_tables()) start_tables_ = std::move(*t);
  // The round's owner keeps it alive; the callbacks only look whether it still is (no cycle
  // through the schedule when a signal stops the io_context mid-round).
  std::weak_ptr<AuditRound> weak = weak_from_this();
  if (!spec_.verify || (!arp_ && !ndp_)) {
    asio::post(io_, [weak] {
      if (auto self = weak.lock()) self->finish();
    });
    return;
  }
  diag::mark_unverifiable(table_.audits, table_.interfaces.links);
  probe::VerifySpec vs;
  vs.rate_pps = spec_.rate_pps;
  vs.timeout = spec_.timeout;
  vs.progress = spec_.progress;
  // ARP for the IPv4 entries and NDP for the IPv6 ones, side by side (each at the full rate: they
  // leave by different sockets and ask different hosts).
  waiting_ = (arp_ ? 1 : 0) + (ndp_ ? 1 : 0);
  if (arp_)
    sweep_ = probe::async_verify(io_, *arp_, table_.interfaces, table_.audits, vs,
                                 [weak](probe::ApplyResults apply, model::ArpSweepStats stats) {
                                   if (auto self = weak.lock()) {
                                     apply(self->table_.audits);
                                     self->sweep_stats_ = stats;
                                     if (--self->waiting_ == 0) self->finish();
                                   }
                                 });
  // One progress meter: the NDP probes report to it only when they run alone.
  if (arp_) vs.progress = nullptr;
  if (ndp_)
    ndp_sweep_ = probe::async_verify_ndp(io_, *ndp_, table_.interfaces, table_.audits, vs, [weak](probe::ApplyResults apply) {
      if (auto self = weak.lock()) {
        // From the io_context, never inline: the ARP sweep's callback may still be on the stack.
        apply(self->table_.audits);
        if (--self->waiting_ == 0) asio::post(self->io_, [weak] {
          if (auto s = weak.lock()) s->finish();
        });
      }
    });
}

void AuditRound::cancel() {
  if (sweep_) sweep_->cancel();
  if (ndp_sweep_) ndp_sweep_->cancel();
}

void AuditRound::finish() {
  if (finished_) return;
  finished_ = true;
  sweep_.reset();
  ndp_sweep_.reset();
  model::NeighReport r;
  r.verified = spec_.verify && (arp_ || ndp_);
  r.sweep = sweep_stats_;
  r.dry_run = spec_.dry_run;
  auto& audits = table_.audits;
  std::optional<std::vector<model::NeighEntry>> table_now;  // the whole IPv4 table, when read without -I
  if (r.verified) {
    diag::classify(audits);
    if (spec_.fix) {
      diag::plan_fixes(audits, *spec_.fix, spec_.force);
      if (!spec_.dry_run) probe::apply_fixes(nl_, audits, spec_.on_change);
    }
    // The table as it is now: our own probe's answers may have re-taught kernel-managed entries.
    auto after = probe::read_after(nl_, spec_.ifindex, audits, spec_.families);
    if (!after) {
      auto done = std::move(done_);
      done(std::unexpected(after.error()));
      return;
    }
    if (spec_.ifindex == 0 && spec_.families.v4) table_now = std::move(*after);
    diag::mark_relearned(audits);
    const double probe_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    for (auto& a : audits) a.kept_alive = diag::kept_alive_by_traffic(a, probe_ms);
  }
  if (spec_.health) {
    const auto* previous = spec_.previous ? spec_.previous : (start_tables_ ? &*start_tables_ : nullptr);
    auto h = probe::read_neigh_health(nl_, spec_.ifindex, table_now ? &*table_now : nullptr, previous, spec_.run_start);
    if (!h) {
      auto done = std::move(done_);
      done(std::unexpected(h.error()));
      return;
    }
    r.health = std::move(*h);
  }
  r.entries = std::move(audits);
  r.counts = diag::count(r);
  r.status = diag::neigh_status(r.counts);
  if (r.health) r.status = std::max(r.status, r.health->status);
  r.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
  auto done = std::move(done_);
  done(std::move(r));
}

}  // namespace vpcprobe::run
