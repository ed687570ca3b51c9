#pragma once
// Outputs of `vpcprobe check`: text, JSON (schema vpcprobe.check/1), JSON Lines (one record per
// target and per audit, then a summary), Prometheus text exposition, and a Nagios plugin line.
#include <string>
#include <string_view>

#include "vpcprobe/model/check.hpp"
#include "vpcprobe/render/renderer.hpp"

namespace vpcprobe::render {

std::string check_text(const model::CheckReport& r);
std::string check_json(const model::CheckReport& r);
std::string check_jsonl(const model::CheckReport& r);
std::string check_prometheus(const model::CheckReport& r);
// The Nagios plugin line: worst status word, what is wrong, and perfdata (RTT per target against
// -w/-c, stale and conflicting neighbor entries per audit, the duration).
std::string check_nagios(const model::CheckReport& r);

// Machine-readable errors for the machine formats (the exit code stays 3).
std::string check_error(Format f, std::string_view message);

// The neighbor metrics of `neigh --textfile-dir`: the same families as check's audits.
std::string neigh_prometheus(const model::NeighReport& r, const std::string& interface, const std::string& version);

template <>
Result<RendererPtr<model::CheckReport>> make_renderer<model::CheckReport>(Format f, const Style& style);

}  // namespace vpcprobe::render
