#include "vpcprobe/model/diagnosis.hpp"

namespace vpcprobe::model {

std::string layer_name(Layer l) {
  switch (l) {
    case Layer::dns: return "dns";
    case Layer::route: return "route";
    case Layer::link: return "link";
    case Layer::neighbor: return "neighbor";
    case Layer::network: return "network";
    case Layer::transport: return "transport";
    case Layer::mtu: return "mtu";
    case Layer::none: return "none";
    case Layer::unknown: return "unknown";
  }
  return "unknown";
}

std::string check_name(Check c) {
  switch (c) {
    case Check::pass: return "pass";
    case Check::fail: return "fail";
    case Check::warn: return "warn";
    case Check::skipped: return "skipped";
    case Check::not_tested: return "not_tested";
  }
  return "not_tested";
}

}  // namespace vpcprobe::model
