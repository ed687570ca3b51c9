// vpcprobe neigh: the kernel's IPv4 neighbor table, each entry checked on the wire (--verify),
// stale entries repaired safely (--fix), and all of it repeated (--watch).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "vpcprobe/diag/neigh_audit.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/probe/neigh_verify.hpp"
#include "vpcprobe/render/check.hpp"
#include "vpcprobe/render/neigh.hpp"
#include "vpcprobe/sys/atomic_write.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace vpcprobe::app {

CLI::App* setup_neigh(CLI::App& parent, NeighOptions& o) {
  auto* cmd = parent.add_subcommand("neigh", "audit the IPv4 neighbor (ARP) table against the wire; repair stale entries");
  cmd->add_option("-I,--interface", o.interface, "only entries of this interface");
  cmd->add_flag("--verify", o.verify, "check every entry on the wire: broadcast ARP and unicast ARP to the cached MAC");
  cmd->add_option("--fix", o.fix, "repair stale entries: replace (default) the MAC with the one that answers, or delete")
      ->expected(0, 1);
  cmd->add_flag("--force", o.force, "also repair PERMANENT, extern_learn and managed entries (owned by someone else)");
  cmd->add_flag("--dry-run", o.dry_run, "print the ip neigh commands --fix would run; change nothing");
  cmd->add_option("--rate", o.rate, "ARP requests per second, at most")->capture_default_str();
  cmd->add_option("--timeout", o.timeout, "seconds each entry waits for answers")->capture_default_str();
  cmd->add_option("--watch", o.watch, "repeat every INTERVAL seconds (with --fix: fix every round)");
  cmd->add_option("--rounds", o.rounds, "with --watch: stop after N rounds (default: until SIGINT/SIGTERM)");
  cmd->add_flag("--json", o.json, "JSON (schema vpcprobe.neigh/1); with --watch one JSON Lines record per round");
  cmd->add_option("--textfile-dir", o.textfile_dir,
                  "after every round write Prometheus metrics to DIR/vpcprobe-neigh.prom, atomically (node_exporter)");
  return cmd;
}

namespace {

struct Session {
  Session(const NeighOptions& opts, asio::io_context& ctx, net::NetlinkClient& client) : o(opts), io(ctx), nl(client) {}
  const NeighOptions& o;
  asio::io_context& io;
  net::NetlinkClient& nl;
  net::Channel* arp = nullptr;
  int ifindex = 0;
  model::FixMode mode = model::FixMode::replace;
  bool verify = false, fixing = false;
  bool stop = false;
  int rounds_done = 0;
  model::Status last_status = model::Status::ok;
  model::NeighCounts totals;
  std::shared_ptr<probe::Schedule> schedule;
  asio::steady_timer pause{io};
  std::vector<model::NeighAudit> audits;
  probe::InterfaceView ifaces;
  std::chrono::steady_clock::time_point round_started;
  std::optional<Error> fatal;

  std::string dev_name(int index) {
    if (const auto* l = ifaces.link(index)) return l->name;
    return fmt::format("if{}", index);
  }

  void start_round() {
    if (stop) return;
    round_started = std::chrono::steady_clock::now();
    auto entries = nl.neigh_dump(ifindex);
    if (!entries) return abort(entries.error());
    auto view = probe::read_interfaces(nl, *entries);
    if (!view) return abort(view.error());
    ifaces = std::move(*view);
    audits.clear();
    for (const auto& e : *entries) {
      model::NeighAudit a;
      a.dev = dev_name(e.ifindex);
      a.before = e;
      audits.push_back(std::move(a));
    }
    if (!verify) return finish_round();
    probe::VerifySpec spec;
    spec.rate_pps = o.rate;
    spec.timeout = std::chrono::milliseconds(static_cast<long>(o.timeout * 1000));
    if (isatty(STDERR_FILENO) && audits.size() > 50)
      spec.progress = [](std::size_t done, std::size_t total) {
        std::fprintf(stderr, "\rverifying %zu/%zu entries", done, total);
        if (done == total) std::fprintf(stderr, "\r%*s\r", 40, "");
      };
    schedule = probe::async_verify(io, *arp, ifaces, audits, spec, [this] { finish_round(); });
  }

  void abort(const Error& e) {
    fatal = e;
    io.stop();
  }

  void apply_fixes() {
    for (auto& a : audits) {
      a.fix = diag::plan_fix(a, mode, o.force);
      if (!a.fix || a.fix->skipped || o.dry_run) continue;
      auto done = mode == model::FixMode::replace ? nl.neigh_replace(a.before.ifindex, a.before.ip, *a.fix->new_mac)
                                                  : nl.neigh_delete(a.before.ifindex, a.before.ip);
      if (done) {
        a.fix->applied = true;
        std::fprintf(stderr, "vpcprobe: changed: %s%s\n", a.fix->command.c_str(),
                     a.fix->note.empty() ? "" : (" (" + a.fix->note + ")").c_str());
      } else {
        a.fix->error = done.error().message;
        std::fprintf(stderr, "vpcprobe: could not change: %s: %s\n", a.fix->command.c_str(), done.error().message.c_str());
      }
    }
  }

  void read_after() {
    auto now = nl.neigh_dump(ifindex);
    if (!now) return;
    std::map<std::pair<int, std::uint32_t>, model::NeighEntry> by_key;
    for (auto& e : *now) by_key[{e.ifindex, e.ip.value}] = e;
    for (auto& a : audits) {
      auto it = by_key.find({a.before.ifindex, a.before.ip.value});
      if (it != by_key.end()) a.after = it->second;
      // A kernel-managed entry may take the answer to our own request: say so, never hide it.
      a.relearned = !(a.fix && a.fix->applied) && a.after && a.after->mac && a.before.mac &&
                    *a.after->mac != *a.before.mac &&
                    std::find(a.answering.begin(), a.answering.end(), *a.after->mac) != a.answering.end();
    }
  }

  // The same metric families as `vpcprobe check` (neighbor entries and findings), for node_exporter.
  void write_textfile(const model::NeighReport& r) {
    model::CheckReport cr;
    cr.version = VPCPROBE_VERSION;
    cr.audits.push_back({o.interface, r, true});
    cr.status = r.status;
    cr.duration_ms = r.duration_ms;
    if (auto ok = sys::write_file_atomically(o.textfile_dir, "vpcprobe-neigh.prom", render::check_prometheus(cr)); !ok) {
      fatal = ok.error();
      stop = true;
    }
  }

  void finish_round() {
    if (fixing) apply_fixes();
    if (verify) read_after();
    model::NeighReport r;
    r.entries = std::move(audits);
    r.verified = verify;
    r.dry_run = o.dry_run;
    r.round = o.watch > 0 ? rounds_done + 1 : 0;
    r.counts = diag::count(r);
    r.status = diag::neigh_status(r.counts);
    r.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - round_started).count();
    ++rounds_done;
    last_status = r.status;
    totals.stale += r.counts.stale;
    totals.conflict += r.counts.conflict;
    totals.silent += r.counts.silent;
    totals.fixed += r.counts.fixed;
    if (o.json) print(render::neigh_json(r, o.watch > 0));
    else print(render::neigh_text(r));
    if (!o.textfile_dir.empty()) write_textfile(r);
    audits.clear();
    if (o.watch <= 0 || (o.rounds > 0 && rounds_done >= o.rounds) || stop) {
      io.stop();
      return;
    }
    pause.expires_after(std::chrono::milliseconds(static_cast<long>(o.watch * 1000)));
    pause.async_wait([this](boost::system::error_code ec) {
      if (!ec) start_round();
    });
  }
};

}  // namespace

int run_neigh(NeighOptions o) {
  if (o.fix_given && o.fix.empty()) o.fix = "replace";
  if (!o.fix.empty() && o.fix != "replace" && o.fix != "delete")
    return report_error(fmt::format("--fix takes replace or delete, got '{}'", o.fix), kExitUnknown);
  if (!std::isfinite(o.rate) || o.rate < 1 || o.rate > 100000)
    return report_error(fmt::format("--rate must be between 1 and 100000 requests per second, got {}", o.rate), kExitUnknown);
  if (auto ok = check_seconds("--timeout", o.timeout, 0.05, 60); !ok) return report_error(ok.error());
  if (o.watch_given || o.watch != 0)
    if (auto ok = check_seconds("--watch", o.watch, 0.01, 86400); !ok) return report_error(ok.error());
  if (o.rounds < 0 || o.rounds > 100000000) return report_error(fmt::format("--rounds must be between 0 and 100000000, got {}", o.rounds), kExitUnknown);
  if (o.rounds > 0 && o.watch == 0) return report_error("--rounds goes with --watch", kExitUnknown);
  if (o.force && o.fix.empty() && !o.dry_run) return report_error("--force goes with --fix", kExitUnknown);
  if (auto ok = check_interface(o.interface); !ok) return report_error(ok.error());
  const bool fixing = !o.fix.empty() || o.dry_run;
  const bool verify = o.verify || fixing || o.watch > 0;
  const bool writes = fixing && !o.dry_run;

  // Privileged resources first; CAP_NET_ADMIN is kept only when this run changes the table.
  asio::io_context io;
  std::optional<net::Channel> arp;
  if (verify) {
    auto sock = sys::open_arp_socket();
    if (!sock) return report_error(sock.error());
    arp.emplace(io, std::move(*sock));
  }
  if (writes && !sys::has_effective(sys::Cap::net_admin))
    return report_error(fmt::format("--fix changes the neighbor table and needs CAP_NET_ADMIN: {} (or use --dry-run)",
                                    sys::how_to_get(sys::Cap::net_admin)), kExitUnknown);
  if (auto dropped = sys::drop_privileges({.net_admin = writes}); !dropped) return report_error(dropped.error());

  auto nl = net::NetlinkClient::open();
  if (!nl) return report_error(nl.error());
  Session s(o, io, *nl);
  s.arp = arp ? &*arp : nullptr;
  s.verify = verify;
  s.fixing = fixing;
  s.mode = o.fix == "delete" ? model::FixMode::remove : model::FixMode::replace;
  if (!o.interface.empty()) {
    auto link = nl->link_by_name(o.interface);
    if (!link) return report_error(link.error());
    s.ifindex = link->ifindex;
  }
  bool interrupted = false;
  auto signals = on_interrupt(io, [&] {
    interrupted = true;
    s.stop = true;
    s.pause.cancel();
    if (s.schedule) s.schedule->cancel();
    io.stop();
  });
  asio::post(io, [&] { s.start_round(); });
  io.run();
  if (writes) (void)sys::drop_privileges();  // the changes are done: CAP_NET_ADMIN goes too
  if (s.fatal) return report_error(*s.fatal);
  if (o.watch > 0 && !o.json)
    print(fmt::format("watch: {} round{}{}, {} stale, {} conflict, {} silent found, {} fixed in all\n", s.rounds_done,
                      s.rounds_done == 1 ? "" : "s", interrupted ? " (interrupted)" : "", s.totals.stale, s.totals.conflict,
                      s.totals.silent, s.totals.fixed));
  if (s.rounds_done == 0) return kExitUnknown;
  return model::exit_code(s.last_status);
}

}  // namespace vpcprobe::app
