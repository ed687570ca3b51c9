#include "vpcprobe/render/neigh.hpp"

#include <fmt/format.h>

#include "json_util.hpp"
#include "vpcprobe/diag/neigh_audit.hpp"

namespace vpcprobe::render {

using nlohmann::json;

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
    note = diag::problem_marker(a.before);
  } else {
    switch (a.cls) {
      case model::NeighClass::stale: note = "answered by " + macs(); break;
      case model::NeighClass::conflict: note = "answered by " + macs(); break;
      case model::NeighClass::silent: note = "nobody answers"; break;
      case model::NeighClass::not_verifiable: note = a.reason; break;
      default: break;
    }
    if (a.relearned && a.after && a.after->mac)
      note += fmt::format("{}kernel re-learned it as {} from our probe", note.empty() ? "" : "; ", a.after->mac->to_string());
  }
  return note;
}

std::string fix_line(const model::NeighAudit& a, bool dry_run) {
  if (!a.fix) return "";
  const auto& f = *a.fix;
  if (f.skipped) return fmt::format("  skipped: {}  ({})\n", f.command, f.note);
  if (dry_run) return fmt::format("  would run: {}{}\n", f.command, f.note.empty() ? "" : "  (" + f.note + ")");
  if (f.error) return fmt::format("  FAILED: {}: {}\n", f.command, *f.error);
  return fmt::format("  fixed: {}{}\n", f.command, f.note.empty() ? "" : "  (" + f.note + ")");
}

json entry_json(const model::NeighAudit& a) {
  json macs = json::array();
  for (auto& m : a.answering) macs.push_back(m.to_string());
  json fix = nullptr;
  if (a.fix)
    fix = {{"action", a.fix->mode == model::FixMode::replace ? "replace" : "delete"},
           {"command", a.fix->command},
           {"new_mac", a.fix->new_mac ? json(a.fix->new_mac->to_string()) : json(nullptr)},
           {"skipped", a.fix->skipped},
           {"applied", a.fix->applied},
           {"note", a.fix->note.empty() ? json(nullptr) : json(a.fix->note)},
           {"error", a.fix->error ? json(*a.fix->error) : json(nullptr)}};
  return {{"dev", a.dev},
          {"ip", a.before.ip.to_string()},
          {"before", detail::neigh_json(a.before, a.dev)},
          {"after", detail::optional_neigh_json(a.after, a.dev)},
          {"class", model::neigh_class_name(a.cls)},
          {"reason", a.reason.empty() ? json(nullptr) : json(a.reason)},
          {"marker", diag::problem_marker(a.before)},
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
                         model::neigh_state_name(a.before.state), flags_text(a.before), model::neigh_class_name(a.cls), note);
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

std::string neigh_json(const model::NeighReport& r, bool compact) {
  auto j = detail::neigh_json_object(r);
  return compact ? j.dump() + "\n" : j.dump(2) + "\n";
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

}  // namespace vpcprobe::render
