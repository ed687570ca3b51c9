#include "vpcprobe/render/context.hpp"

#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "json_util.hpp"

namespace vpcprobe::render {

namespace {

nlohmann::json context_json(const model::RunContext& c) {
  return {{"name", c.netns}, {"path", c.netns_path},
          {"resolver", c.resolver.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.resolver)}};
}

// One JSON value with "netns" added (objects only), re-dumped as the renderers dump.
std::string with_netns(const std::string& text, const model::RunContext& c, int indent) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return text;
  j["netns"] = context_json(c);
  return detail::dump(j, indent);
}

}  // namespace

std::string context_line(const model::RunContext& c) {
  return fmt::format("network namespace {} ({}); names resolved from {}", c.netns, c.netns_path,
                     c.resolver.empty() ? std::string("this host's /etc") : c.resolver);
}

std::string add_context(const std::string& rendered, const model::RunContext& c, Format f, bool first) {
  if (!c.entered() || rendered.empty()) return rendered;
  switch (f) {
    case Format::json: return with_netns(rendered, c, 2);
    case Format::jsonl: {
      std::string out;
      std::istringstream lines(rendered);
      for (std::string line; std::getline(lines, line);)
        out += line.empty() ? "\n" : with_netns(line, c, -1);
      return out;
    }
    case Format::text: return first ? context_line(c) + "\n" + rendered : rendered;
    case Format::prometheus: return "# vpcprobe ran in " + context_line(c) + "\n" + rendered;
    case Format::nagios: return rendered;  // one line, by the plugin convention
  }
  return rendered;
}

}  // namespace vpcprobe::render
