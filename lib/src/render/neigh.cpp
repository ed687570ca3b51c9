#include "vpcprobe/render/neigh.hpp"

#include <fmt/format.h>

#include "json_util.hpp"
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
    case model::Unverifiable::no_source_address: return "interface has no IPv4 address to ask from";
    case model::Unverifiable::other_family: return "IPv6 entry (NDP is not spoken yet)";
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
      case model::NeighClass::silent: note = "nobody answers"; break;
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
          {"fix", fix}};
}

}  // namespace

std::string neigh_text(const model::NeighReport& r) {
  std::string out;
  if (r.round > 0) out += fmt::format("--- round {} ---\n", r.round);
  out += fmt::format("{:<10} {:<15} {:<17} {:<11} {:<18}{}\n", "DEV", "IP", "MAC", "STATE", "FLAGS", r.verified ? " CHECK" : " NOTE");
  for (const auto& a : r.entries) {
    std::string mac = a.before.mac ? a.before.mac->to_string() : "-";
    std::string note = note_of(a, r.verified);
    if (r.verified)
      out += fmt::format("{:<10} {:<15} {:<17} {:<11} {:<18} {:<14} {}", a.dev, a.before.ip.to_string(), mac,
                         model::neigh_state_name(a.before.state), flags_text(a.before), model::neigh_class_name(model::neigh_class(a)), note);
    else
      out += fmt::format("{:<10} {:<15} {:<17} {:<11} {:<18} {}", a.dev, a.before.ip.to_string(), mac,
                         model::neigh_state_name(a.before.state), flags_text(a.before), note);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
    out += fix_line(a, r.dry_run);
  }
  const auto& c = r.counts;
  if (r.verified)
    out += fmt::format("{} entries: {} ok, {} stale, {} silent, {} conflict, {} not verifiable{}{} ({:.0f} ms)\n", r.entries.size(),
                       c.ok, c.stale, c.silent, c.conflict, c.not_verifiable,
                       c.fixed ? fmt::format(", {} fixed", c.fixed) : "",
                       c.fix_skipped ? fmt::format(", {} left to their owner (use --force)", c.fix_skipped) : "", r.duration_ms);
  else
    out += fmt::format("{} entries\n", r.entries.size());
  return out;
}

std::string neigh_json(const model::NeighReport& r, bool compact) { return detail::dump(detail::neigh_json_object(r), compact ? -1 : 2); }

std::string neigh_watch_summary(const model::NeighWatchSummary& s) {
  return fmt::format("watch: {} round{}{}, {} stale, {} conflict, {} silent found, {} fixed in all\n", s.rounds, s.rounds == 1 ? "" : "s",
                     s.interrupted ? " (interrupted)" : "", s.stale, s.conflict, s.silent, s.fixed);
}

nlohmann::json detail::neigh_json_object(const model::NeighReport& r) {
  json entries = json::array();
  for (const auto& a : r.entries) entries.push_back(entry_json(a));
  const auto& c = r.counts;
  json j;
  j["schema"] = "vpcprobe.neigh/1";
  j["round"] = r.round > 0 ? json(r.round) : json(nullptr);
  j["verified"] = r.verified;
  j["dry_run"] = r.dry_run;
  j["entries"] = entries;
  j["summary"] = {{"entries", r.entries.size()}, {"ok", c.ok}, {"stale", c.stale}, {"silent", c.silent},
                  {"conflict", c.conflict}, {"not_verifiable", c.not_verifiable}, {"fixed", c.fixed},
                  {"fix_failed", c.fix_failed}, {"fix_skipped", c.fix_skipped}};
  j["status"] = model::status_name(r.status);
  j["duration_ms"] = detail::round3(r.duration_ms);
  return j;
}

namespace {
struct NeighText final : Renderer<model::NeighReport> {
  std::string report(const model::NeighReport& r) const override { return neigh_text(r); }
};
struct NeighJson final : Renderer<model::NeighReport> {
  explicit NeighJson(bool compact) : compact_(compact) {}
  std::string report(const model::NeighReport& r) const override { return neigh_json(r, compact_); }
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
