#include "vpcprobe/model/check.hpp"

#include <cmath>
#include <cstdlib>

#include "vpcprobe/model/self_check.hpp"

namespace vpcprobe::model {

Status aggregate_status(const std::vector<Status>& parts) {
  auto rank = [](Status s) {
    switch (s) {
      case Status::ok: return 0;
      case Status::degraded: return 1;
      case Status::unknown: return 2;
      case Status::failing: return 3;
    }
    return 2;
  };
  Status worst = Status::ok;
  for (auto s : parts)
    if (rank(s) > rank(worst)) worst = s;
  return worst;
}

bool NagiosRange::alerts(double v) const {
  bool outside = (!low_infinite && v < low) || (!high_infinite && v > high);
  return inside ? !outside : outside;
}

std::optional<NagiosRange> parse_nagios_range(const std::string& text) {
  NagiosRange r;
  r.text = text;
  std::string s = text;
  if (s.empty()) return std::nullopt;
  if (s[0] == '@') {
    r.inside = true;
    s = s.substr(1);
  }
  auto number = [](const std::string& t) -> std::optional<double> {
    if (t.empty()) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  };
  auto colon = s.find(':');
  if (colon == std::string::npos) {
    auto hi = number(s);
    if (!hi) return std::nullopt;
    r.low = 0;
    r.high = *hi;
  } else {
    std::string lo = s.substr(0, colon), hi = s.substr(colon + 1);
    if (lo == "~") r.low_infinite = true;
    else if (auto v = number(lo)) r.low = *v;
    else if (!lo.empty()) return std::nullopt;
    if (hi.empty()) r.high_infinite = true;
    else if (auto v = number(hi)) r.high = *v;
    else return std::nullopt;
  }
  if (!r.low_infinite && !r.high_infinite && r.low > r.high) return std::nullopt;
  return r;
}

bool SelfCheckReport::all_full() const {
  for (const auto& l : lines)
    if (!l.full) return false;
  return true;
}

}  // namespace vpcprobe::model
