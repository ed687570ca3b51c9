#include "vpcprobe/diag/probe_status.hpp"

#include <algorithm>

namespace vpcprobe::diag {

namespace {
model::Status from_counts(long considered, long good) {
  if (considered == 0) return model::Status::unknown;
  if (good == considered) return model::Status::ok;
  if (good > 0) return model::Status::degraded;
  return model::Status::failing;
}
}  // namespace

model::Status ping_status(const std::vector<model::EchoResult>& probes) {
  long considered = std::count_if(probes.begin(), probes.end(),
                                  [](auto& p) { return p.outcome != model::EchoOutcome::interrupted; });
  long good = std::count_if(probes.begin(), probes.end(), [](auto& p) { return p.outcome == model::EchoOutcome::reply; });
  return from_counts(considered, good);
}

model::Status tcp_status(const std::vector<model::TcpResult>& probes) {
  long considered = std::count_if(probes.begin(), probes.end(),
                                  [](auto& p) { return p.state != model::TcpState::interrupted; });
  long good = std::count_if(probes.begin(), probes.end(), [](auto& p) { return p.state == model::TcpState::open; });
  return from_counts(considered, good);
}

}  // namespace vpcprobe::diag
