#pragma once
// Exit status of the single-layer commands. Interrupted probes are not counted either way.
#include "vpcprobe/model/reports.hpp"

namespace vpcprobe::diag {

// ok: every probe answered; degraded: some did; failing: none did; unknown: none finished.
model::Status ping_status(const std::vector<model::EchoResult>& probes);
// ok: every probe found the port open; degraded: some did; failing: none did.
model::Status tcp_status(const std::vector<model::TcpResult>& probes);

}  // namespace vpcprobe::diag
