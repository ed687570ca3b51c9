// vpcprobe neigh: the kernel's neighbor tables (ARP and NDP), each entry checked on the wire (--verify),
// stale entries repaired safely (--fix), and all of it repeated (--watch).
#include <cmath>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/render/check.hpp"
#include "vpcprobe/render/neigh.hpp"
#include "vpcprobe/run/audit.hpp"
#include "vpcprobe/sys/atomic_write.hpp"

namespace vpcprobe::app {

CLI::App* Neigh::setup(CLI::App& parent, Options& o) {
  auto* cmd = parent.add_subcommand("neigh",
                                    "audit the neighbor tables (IPv4 ARP and IPv6 NDP) against the wire and the neighbor "
                                    "subsystem's health; repair stale entries");
  cmd->add_option("-I,--interface", o.interface, "only entries of this interface");
  add_family_flags(*cmd, o.family, true);
  cmd->add_flag("--verify", o.verify,
                "check every entry on the wire: broadcast ARP (IPv6: a Neighbor Solicitation to the solicited-node group), "
                "and unicast to the cached MAC where that went unanswered (includes --health)");
  cmd->add_flag("--health", o.health,
                "judge the neighbor subsystem: the table against gc_thresh1/2/3, its counters, and each interface's ARP "
                "settings (arp_ignore, arp_announce, rp_filter, ...)");
  auto* fix = cmd->add_option("--fix", o.fix, "repair stale entries: replace (default) the MAC with the one that answers, or delete")
                  ->expected(0, 1);
  cmd->add_flag("--force", o.force, "also repair PERMANENT, extern_learn and managed entries (owned by someone else)");
  cmd->add_flag("--dry-run", o.dry_run, "print the ip neigh commands --fix would run; change nothing");
  cmd->add_option("--rate", o.rate, "ARP requests per second, at most")->capture_default_str();
  cmd->add_option("--timeout", o.timeout, "seconds each entry waits for answers")->capture_default_str();
  auto* watch = cmd->add_option("--watch", o.watch, "repeat every INTERVAL seconds (with --fix: fix every round)");
  cmd->add_option("--rounds", o.rounds, "with --watch: stop after N rounds (default: until SIGINT/SIGTERM)");
  cmd->add_flag("--json", o.json, "JSON (schema vpcprobe.neigh/1); with --watch one JSON Lines record per round");
  cmd->add_option("--textfile-dir", o.textfile_dir,
                  "after every round write Prometheus metrics to DIR/vpcprobe-neigh.prom, atomically (node_exporter)");
  cmd->callback([&o, fix, watch] {
    o.fix_given = fix->count() > 0;
    o.watch_given = watch->count() > 0;
    if (o.fix_given && o.fix.empty()) o.fix = "replace";
  });
  return cmd;
}

namespace {
bool fixing(const Neigh::Options& o) { return !o.fix.empty() || o.dry_run; }
bool verifying(const Neigh::Options& o) { return o.verify || fixing(o) || o.watch > 0; }
bool writes(const Neigh::Options& o) { return fixing(o) && !o.dry_run; }
}  // namespace

Result<void> Neigh::validate(const Options& o) {
  auto bad = [](std::string m) { return fail(Errc::invalid_argument, std::move(m)); };
  if (!o.fix.empty() && o.fix != "replace" && o.fix != "delete") return bad(fmt::format("--fix takes replace or delete, got '{}'", o.fix));
  if (!std::isfinite(o.rate) || o.rate < 1 || o.rate > 100000)
    return bad(fmt::format("--rate must be between 1 and 100000 requests per second, got {}", o.rate));
  if (o.rounds < 0 || o.rounds > 100000000) return bad(fmt::format("--rounds must be between 0 and 100000000, got {}", o.rounds));
  if (o.rounds > 0 && o.watch == 0) return bad("--rounds goes with --watch");
  if (o.force && o.fix.empty() && !o.dry_run) return bad("--force goes with --fix");
  return first_failure(check_seconds("--timeout", o.timeout, 0.05, 60),
                o.watch_given || o.watch != 0 ? check_seconds("--watch", o.watch, 0.01, 86400) : Result<void>(),
                check_interface(o.interface));
}

sys::KeepCaps Neigh::keep(const Options& o) { return {.net_admin = writes(o)}; }

Result<Neigh::Sockets> Neigh::open(const Options& o) {
  Sockets s;
  if (verifying(o)) {
    // Room for half a second of answers at the asked rate (about 1.3 KB of kernel memory each).
    const auto families = o.family.policy();
    if (families.v4) {
      auto sock = sys::open_arp_socket(static_cast<std::size_t>(o.rate * 0.5 * 1280));
      if (!sock) return std::unexpected(sock.error());
      s.arp = std::move(*sock);
    }
    if (families.v6) {
      // Beside ARP, an NDP socket that cannot be had leaves the IPv6 entries unchecked (a kernel
      // without IPv6 has none); only with -6 is it the run's end.
      auto sock = sys::open_ndp_socket(static_cast<std::size_t>(o.rate * 0.5 * 1280));
      if (sock) s.ndp = std::move(*sock);
      else if (!families.v4 || sock.error().code == Errc::permission) return std::unexpected(sock.error());
    }
  }
  // CAP_NET_ADMIN is kept only when this run changes the table.
  if (writes(o) && !sys::has_effective(sys::Cap::net_admin))
    return fail(Errc::permission, fmt::format("--fix changes the neighbor table and needs CAP_NET_ADMIN: {} (or use --dry-run)",
                                              sys::how_to_get(sys::Cap::net_admin)));
  return s;
}

Result<model::Status> Neigh::run(const Options& o, Sockets& s, Runtime<Report>& rt) {
  auto nl = rt.netlink();
  if (!nl) return std::unexpected(nl.error());
  auto arp = net::Channel::open_optional(rt.io(), std::move(s.arp));
  if (!arp) return std::unexpected(arp.error());
  auto ndp = net::Channel::open_optional(rt.io(), std::move(s.ndp));
  if (!ndp) return std::unexpected(ndp.error());
  run::AuditSpec spec;
  spec.families = o.family.policy();
  if (!o.interface.empty()) {
    auto link = (*nl)->link_by_name(o.interface);
    if (!link) return std::unexpected(link.error());
    spec.ifindex = link->ifindex;
  }
  spec.verify = verifying(o);
  spec.health = o.health || verifying(o);
  spec.watch = o.watch > 0;
  std::vector<model::NeighTable> previous, run_start;  // --watch: the counters' readings
  spec.rate_pps = o.rate;
  spec.timeout = millis(o.timeout);
  if (fixing(o)) spec.fix = o.fix == "delete" ? model::FixMode::remove : model::FixMode::replace;
  spec.force = o.force;
  spec.dry_run = o.dry_run;
  spec.progress = rt.progress_meter("verifying", 50);
  spec.on_change = [&rt](const model::NeighAudit& a) {
    const auto note = render::neigh_fix_note(a);
    if (a.fix->applied) rt.notice(fmt::format("changed: {}{}", render::neigh_fix_command(a), note.empty() ? "" : " (" + note + ")"));
    else rt.notice(fmt::format("could not change: {}: {}", render::neigh_fix_command(a), a.fix->error.value_or("")));
  };

  model::NeighWatchSummary summary;
  std::optional<Error> fatal;
  std::shared_ptr<run::AuditRound> round;
  rt.on_interrupt([&] {
    if (round) round->cancel();
    rt.stop();
  });
  rt.repeat(millis(o.watch), o.watch > 0 ? o.rounds : 1, [&](std::function<void()> round_done) {
    round = run::AuditRound::start(rt.io(), **nl, arp->get(), spec, [&, round_done](Result<model::NeighReport> r) {
      if (r) {
        if (r->health && r->health->counters_are_deltas) {
          previous = r->health->tables;
          run_start = r->health->run_start;
          spec.previous = &previous;
          spec.run_start = &run_start;
        }
        r->round = o.watch > 0 ? summary.rounds + 1 : 0;
        summary.add(*r);
        rt.emit(*r);
        if (!o.textfile_dir.empty()) {
          auto ok = sys::write_file_atomically(o.textfile_dir, "vpcprobe-neigh.prom", render::neigh_prometheus(*r, o.interface, VPCPROBE_VERSION));
          if (!ok) r = std::unexpected(ok.error());
        }
      }
      if (!r) {
        fatal = r.error();
        return rt.stop();
      }
      round_done();
    }, ndp->get());
  });
  if (writes(o))  // the changes are done: CAP_NET_ADMIN goes too
    if (auto dropped = sys::drop_privileges(); !dropped) return std::unexpected(dropped.error());
  if (fatal) return std::unexpected(*fatal);
  summary.interrupted = rt.interrupted();
  if (o.watch > 0 && !o.json) rt.out().print(render::neigh_watch_summary(summary));
  return summary.rounds == 0 ? model::Status::unknown : summary.last;
}

}  // namespace vpcprobe::app
