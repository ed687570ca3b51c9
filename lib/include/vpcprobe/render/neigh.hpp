#pragma once
// `vpcprobe neigh`: a row per entry like `ip neigh`, with the verdict of each check when verified,
// the fixes, and a summary line (text); or schema vpcprobe.neigh/1, one line per round with --watch.
#include <functional>
#include <string>
#include <string_view>

#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/render/renderer.hpp"

namespace vpcprobe::render {

std::string neigh_text(const model::NeighReport& r);
std::string neigh_json(const model::NeighReport& r, bool compact);
// The same, handed to `sink` in pieces of about 64 KB.
void neigh_json_to(const model::NeighReport& r, bool compact, const std::function<void(std::string_view)>& sink);
// --watch: the closing line over all rounds (text only).
std::string neigh_watch_summary(const model::NeighWatchSummary& s);

// The `ip neigh` command a fix runs (or would run), and why it was skipped or forced.
std::string neigh_fix_command(const model::NeighAudit& a);
std::string neigh_fix_note(const model::NeighAudit& a);
// Why an entry cannot be verified, in a few words.
std::string unverifiable_words(const model::NeighAudit& a);

template <>
Result<RendererPtr<model::NeighReport>> make_renderer<model::NeighReport>(Format f, const Style& style);

}  // namespace vpcprobe::render
