#pragma once
// Renderers only format: one interface per report type, one implementation per output format,
// chosen once by the command runner. A renderer returns strings; it never prints.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::render {

enum class Format { text = 1, json, jsonl, prometheus, nagios };
std::string format_name(Format f);
std::optional<Format> parse_format(std::string_view name);

struct Style {
  bool color = false;   // ANSI colour in text output
  bool compact = false; // one JSON object per line (JSON Lines)
};

template <class Report>
class Renderer {
 public:
  virtual ~Renderer() = default;
  // Printed before any probe is sent (ping's PING line).
  virtual std::string header(const Report&) const { return {}; }
  // Printed as the index-th result of the report arrives (ping's reply lines).
  virtual std::string progress(const Report&, std::size_t /*index*/) const { return {}; }
  // The report itself (with --watch: once per round).
  virtual std::string report(const Report&) const = 0;
  // The same in pieces, for reports too large to hold twice as one string (a neighbor table of
  // 100 000 entries); the pieces joined are report(). By default, report() whole.
  virtual void report_to(const Report& r, const std::function<void(std::string_view)>& sink) const { sink(report(r)); }
  // A machine-readable error in formats that have one (a JSON error object, a Nagios UNKNOWN
  // line); empty where the one stderr line says it all.
  virtual std::string error(std::string_view /*message*/) const { return {}; }
};

template <class Report>
using RendererPtr = std::unique_ptr<const Renderer<Report>>;

// One specialisation per report type, beside its renderers; a format the report has no renderer
// for is Errc::invalid_argument.
template <class Report>
Result<RendererPtr<Report>> make_renderer(Format f, const Style& style);

}  // namespace vpcprobe::render
