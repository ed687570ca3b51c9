#pragma once
#include <optional>
#include <span>

namespace vpcprobe::model {

struct RttStats {
  double min_ms = 0, avg_ms = 0, max_ms = 0, mdev_ms = 0;  // mdev as ping computes it
};
std::optional<RttStats> rtt_stats(std::span<const double> rtts_ms);

// Percentage of probes lost, 0..100.
double loss_percent(int sent, int answered);

}  // namespace vpcprobe::model
