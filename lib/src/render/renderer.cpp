#include "vpcprobe/render/renderer.hpp"

namespace vpcprobe::render {

std::string format_name(Format f) {
  switch (f) {
    case Format::text: return "text";
    case Format::json: return "json";
    case Format::jsonl: return "jsonl";
    case Format::prometheus: return "prometheus";
    case Format::nagios: return "nagios";
  }
  return "text";
}

std::optional<Format> parse_format(std::string_view name) {
  for (auto f : {Format::text, Format::json, Format::jsonl, Format::prometheus, Format::nagios})
    if (name == format_name(f)) return f;
  return std::nullopt;
}

}  // namespace vpcprobe::render
