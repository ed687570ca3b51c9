#include "vpcprobe/model/status.hpp"

namespace vpcprobe::model {
std::string status_name(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::degraded: return "degraded";
    case Status::failing: return "failing";
    case Status::unknown: return "unknown";
  }
  return "unknown";
}
}  // namespace vpcprobe::model

#include "vpcprobe/model/check.hpp"

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
}  // namespace vpcprobe::model
