#include "vpcprobe/render/neigh.hpp"

#include <fmt/format.h>

#include "json_util.hpp"
#include "vpcprobe/render/neigh_health.hpp"
#include "vpcprobe/render/words.hpp"

namespace vpcprobe::render {

using nlohmann::json;

std::string unverifiable_words(const model::NeighAudit& a) {
  if (!a.unverifiable) return "";
  switch (*a.unverifiable) {
    case model::Unverifiable::noarp_entry: return "NOARP entry (no ARP on this address)";
    case model::Unverifiable::loopback: return "loopback interface";
    case model::Unverifiable::point_to_point: return "point-to-point interface";
    case model::Unverifiable::link_without_arp: return "interface without ARP";
    case model::Unverifiable::no_mac: return fmt::format("no MAC cached ({})", model::neigh_state_name(a.before.state));
    case model::Unverifiable::not_unicast: return "not a unicast address";
    case model::Unverifiable::interface_gone: return "interface gone";
    case model::Unverifiable::no_source_address:
      return a.before.ip.is_v6() ? "interface has no IPv6 address to ask from" : "interface has no IPv4 address to ask from";
    case model::Unverifiable::other_family: return "an address family vpcprobe does not probe";
  }
  return "";
}

std::string neigh_fix_command(const model::NeighAudit& a) {
  if (!a.fix) return "";
  if (a.fix->mode == model::FixMode::replace && a.fix->new_mac)
    return neigh_replace_command(a.before.ip, *a.fix->new_mac, a.dev);
  return neigh_delete_command(a.before.ip, a.dev);
}

std::string neigh_fix_note(const model::NeighAudit& a) {
  if (!a.fix || (!a.fix->skipped && !a.fix->forced)) return "";
  const std::string what = (a.before.is_permanent() ? std::string("PERMANENT") : model::neigh_state_name(a.before.state)) +
                           [&] {
                             std::string f;
                             for (auto& flag : model::neigh_flag_names(a.before)) f += " " + flag;
                             return f;
                           }();
  const std::string owner = owner_words(model::likely_owner(a.before));
  if (a.fix->skipped) return fmt::format("{} entry, likely owned by {}: not touched without --force", what, owner);
  return fmt::format("forced: {} entry, likely owned by {}, which may put the old MAC back", what, owner);
}

namespace {

std::string flags_text(const model::NeighEntry& e) {
  std::string s;
  for (auto& f : model::neigh_flag_names(e)) s += (s.empty() ? "" : ",") + f;
  return s.empty() ? "-" : s;
}

std::string note_of(const model::NeighAudit& a, bool verified) {
  std::string note;
  auto macs = [&] {
    std::string m;
    for (auto& x : a.answering) m += (m.empty() ? "" : " and ") + x.to_string();
    return m;
  };
  if (!verified) {
    note = model::neigh_marker_name(model::neigh_marker(a.before));
  } else {
    switch (model::neigh_class(a)) {
      case model::NeighClass::stale: note = "answered by " + macs(); break;
      case model::NeighClass::conflict: note = "answered by " + macs(); break;
      case model::NeighClass::silent:
        note = "nobody answers";
        if (a.kept_alive && a.after && a.after->cache)
          note += fmt::format("; yet the kernel confirmed it {} ms ago, while we probed: traffic from the peer keeps it alive",
                              a.after->cache->confirmed_ms);
        if (const auto& e = a.after ? *a.after : a.before; e.probes && *e.probes > 0)
          note += fmt::format("; the kernel's own {} probe{} went unanswered too", *e.probes, *e.probes == 1 ? "" : "s");
        break;
      case model::NeighClass::not_verifiable: note = unverifiable_words(a); break;
      default: break;
    }
    if (a.relearned && a.after && a.after->mac)
      note += fmt::format("{}kernel re-learned it as {} from our probe", note.empty() ? "" : "; ", a.after->mac->to_string());
  }
  return note;
}

// A few words per entry for JSON consumers: why it is not verifiable, or what the wire said.
std::string reason_of(const model::NeighAudit& a) {
  switch (model::neigh_class(a)) {
    case model::NeighClass::not_verifiable: return unverifiable_words(a);
    default: return "";
  }
}

std::string fix_line(const model::NeighAudit& a, bool dry_run) {
  if (!a.fix) return "";
  const auto& f = *a.fix;
  const std::string command = neigh_fix_command(a), note = neigh_fix_note(a);
  if (f.skipped) return fmt::format("  skipped: {}  ({})\n", command, note);
  if (dry_run) return fmt::format("  would run: {}{}\n", command, note.empty() ? "" : "  (" + note + ")");
  if (f.error) return fmt::format("  FAILED: {}: {}\n", command, *f.error);
  return fmt::format("  fixed: {}{}\n", command, note.empty() ? "" : "  (" + note + ")");
}

json entry_json(const model::NeighAudit& a) {
  json macs = json::array();
  for (auto& m : a.answering) macs.push_back(m.to_string());
  json fix = nullptr;
  if (a.fix)
    fix = {{"action", a.fix->mode == model::FixMode::replace ? "replace" : "delete"},
           {"command", neigh_fix_command(a)},
           {"new_mac", a.fix->new_mac ? json(a.fix->new_mac->to_string()) : json(nullptr)},
           {"skipped", a.fix->skipped},
           {"applied", a.fix->applied},
           {"note", neigh_fix_note(a).empty() ? json(nullptr) : json(neigh_fix_note(a))},
           {"error", a.fix->error ? json(*a.fix->error) : json(nullptr)}};
  return {{"dev", a.dev},
          {"ip", a.before.ip.to_string()},
          {"before", detail::neigh_json(a.before, a.dev)},
          {"after", detail::optional_neigh_json(a.after, a.dev)},
          {"class", model::neigh_class_name(model::neigh_class(a))},
          {"reason", reason_of(a).empty() ? json(nullptr) : json(reason_of(a))},
          {"marker", model::neigh_marker_name(model::neigh_marker(a.before))},
          {"answering_macs", macs},
          {"relearned_by_kernel", a.relearned},
          {"kept_alive", a.kept_alive},
          {"fix", fix}};
}

}  // namespace

std::string neigh_text(const model::NeighReport& r) {
  std::string out;
  if (r.round > 0) out += fmt::format("--- round {} ---\n", r.round);
  // --health alone: the subsystem, its entries only counted
  if (r.health && !r.verified) return out + fmt::format("{} entries\n", r.entries.size()) + neigh_health_text(*r.health);
  // The IP column as wide as the longest address (15 for IPv4 alone, wider with IPv6 entries).
  std::size_t ipw = 15;
  for (const auto& a : r.entries) ipw = std::max(ipw, a.before.ip.to_string().size());
  out += fmt::format("{:<10} {:<{}} {:<17} {:<11} {:<18}{}\n", "DEV", "IP", ipw, "MAC", "STATE", "FLAGS", r.verified ? " CHECK" : " NOTE");
  for (const auto& a : r.entries) {
    std::string mac = a.before.mac ? a.before.mac->to_string() : "-";
    std::string note = note_of(a, r.verified);
    if (r.verified)
      out += fmt::format("{:<10} {:<{}} {:<17} {:<11} {:<18} {:<14} {}", a.dev, a.before.ip.to_string(), ipw, mac,
                         model::neigh_state_name(a.before.state), flags_text(a.before), model::neigh_class_name(model::neigh_class(a)), note);
    else
      out += fmt::format("{:<10} {:<{}} {:<17} {:<11} {:<18} {}", a.dev, a.before.ip.to_string(), ipw, mac,
                         model::neigh_state_name(a.before.state), flags_text(a.before), note);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
    out += fix_line(a, r.dry_run);
  }
  const auto& c = r.counts;
  if (r.verified)
    out += fmt::format("{} entries: {} ok, {} stale, {} silent{}, {} conflict, {} not verifiable{}{} ({:.0f} ms)\n", r.entries.size(),
                       c.ok, c.stale, c.silent, c.kept_alive ? fmt::format(" ({} kept alive by traffic)", c.kept_alive) : "",
                       c.conflict, c.not_verifiable,
                       c.fixed ? fmt::format(", {} fixed", c.fixed) : "",
                       c.fix_skipped ? fmt::format(", {} left to their owner (use --force)", c.fix_skipped) : "", r.duration_ms);
  else
    out += fmt::format("{} entries\n", r.entries.size());
  if (r.sweep && (r.sweep->backoffs > 0 || r.sweep->send_failures > 0))
    out += fmt::format("the kernel's buffers were full: paused {} times{}; lower --rate (asked {:.0f}/s, got {:.0f}/s)\n",
                       r.sweep->backoffs,
                       r.sweep->send_failures ? fmt::format(", {} requests could not be sent (their entries stay unchecked)",
                                                            r.sweep->send_failures)
                                              : "",
                       r.sweep->rate_pps, r.sweep->achieved_pps);
  if (r.health) out += neigh_health_text(*r.health);
  return out;
}

namespace {
json report_json(const model::NeighReport& r, json entries);
constexpr std::string_view kEntriesMark = "\"@@vpcprobe-entries@@\"";
}  // namespace

// The entries are serialised one by one into the text: a table of 100 000 entries never exists as
// one JSON tree (that would take about 1.5 KB an entry), nor, through neigh_json_to, as one string.
void neigh_json_to(const model::NeighReport& r, bool compact, const std::function<void(std::string_view)>& sink) {
  std::string doc = detail::dump(report_json(r, json(std::string(kEntriesMark.substr(1, kEntriesMark.size() - 2)))), compact ? -1 : 2);
  const auto at = doc.find(kEntriesMark);  // "dry_run" and "duration_ms" are the only keys before it
  if (at == std::string::npos) return sink(doc);
  sink(std::string_view(doc).substr(0, at));
  std::string chunk = "[";
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    std::string item = detail::dump(entry_json(r.entries[i]), compact ? -1 : 2);
    if (!item.empty() && item.back() == '\n') item.pop_back();
    if (!compact) {
      chunk += "\n    ";
      for (char ch : item) {
        chunk += ch;
        if (ch == '\n') chunk += "    ";
      }
    } else {
      chunk += item;
    }
    if (i + 1 < r.entries.size()) chunk += ",";
    if (chunk.size() >= 1 << 16) {
      sink(chunk);
      chunk.clear();
    }
  }
  chunk += !compact && !r.entries.empty() ? "\n  ]" : "]";
  sink(chunk);
  sink(std::string_view(doc).substr(at + kEntriesMark.size()));
}

std::string neigh_json(const model::NeighReport& r, bool compact) {
  std::string out;
  neigh_json_to(r, compact, [&](std::string_view piece) { out += piece; });
  return out;
}

std::string neigh_watch_summary(const model::NeighWatchSummary& s) {
  return fmt::format("watch: {} round{}{}, {} stale, {} conflict, {} silent found, {} fixed in all\n", s.rounds, s.rounds == 1 ? "" : "s",
                     s.interrupted ? " (interrupted)" : "", s.stale, s.conflict, s.silent, s.fixed);
}

nlohmann::json detail::neigh_json_object(const model::NeighReport& r) {
  json entries = json::array();
  for (const auto& a : r.entries) entries.push_back(entry_json(a));
  return report_json(r, std::move(entries));
}

namespace {
json report_json(const model::NeighReport& r, json entries) {
  const auto& c = r.counts;
  json j;
  j["schema"] = "vpcprobe.neigh/1";
  j["round"] = r.round > 0 ? json(r.round) : json(nullptr);
  j["verified"] = r.verified;
  j["dry_run"] = r.dry_run;
  j["entries"] = entries;
  j["summary"] = {{"entries", r.entries.size()}, {"ok", c.ok}, {"stale", c.stale}, {"silent", c.silent},
                  {"conflict", c.conflict}, {"not_verifiable", c.not_verifiable}, {"fixed", c.fixed},
                  {"fix_failed", c.fix_failed}, {"fix_skipped", c.fix_skipped}, {"kept_alive", c.kept_alive}};
  j["health"] = r.health ? detail::neigh_health_json(*r.health) : json(nullptr);
  if (r.sweep) {
    const auto& w = *r.sweep;
    j["sweep"] = {{"broadcast_sent", w.broadcast_sent}, {"unicast_sent", w.unicast_sent}, {"replies", w.replies},
                  {"rejected", w.rejected},           {"backoffs", w.backoffs},         {"send_failures", w.send_failures},
                  {"rate_pps", detail::round3(w.rate_pps)}, {"achieved_pps", detail::round3(w.achieved_pps)},
                  {"elapsed_ms", detail::round3(w.elapsed_ms)}, {"interrupted", w.interrupted}};
  } else {
    j["sweep"] = nullptr;
  }
  j["status"] = model::status_name(r.status);
  j["duration_ms"] = detail::round3(r.duration_ms);
  return j;
}
}  // namespace

namespace {
struct NeighText final : Renderer<model::NeighReport> {
  std::string report(const model::NeighReport& r) const override { return neigh_text(r); }
};
struct NeighJson final : Renderer<model::NeighReport> {
  explicit NeighJson(bool compact) : compact_(compact) {}
  std::string report(const model::NeighReport& r) const override { return neigh_json(r, compact_); }
  void report_to(const model::NeighReport& r, const std::function<void(std::string_view)>& sink) const override {
    neigh_json_to(r, compact_, sink);
  }
  bool compact_;
};
}  // namespace

template <>
Result<RendererPtr<model::NeighReport>> make_renderer<model::NeighReport>(Format f, const Style& style) {
  if (f == Format::text) return std::make_unique<NeighText>();
  if (f == Format::json) return std::make_unique<NeighJson>(style.compact);
  if (f == Format::jsonl) return std::make_unique<NeighJson>(true);
  return fail(Errc::invalid_argument, fmt::format("neigh has no {} output", format_name(f)));
}

}  // namespace vpcprobe::render
