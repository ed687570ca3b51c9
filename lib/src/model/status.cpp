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
