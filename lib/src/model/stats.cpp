#include "vpcprobe/model/stats.hpp"

#include <algorithm>
#include <cmath>

namespace vpcprobe::model {

std::optional<RttStats> rtt_stats(std::span<const double> rtts) {
  if (rtts.empty()) return std::nullopt;
  RttStats s;
  s.min_ms = *std::min_element(rtts.begin(), rtts.end());
  s.max_ms = *std::max_element(rtts.begin(), rtts.end());
  double sum = 0, sum2 = 0;
  for (double r : rtts) {
    sum += r;
    sum2 += r * r;
  }
  double n = static_cast<double>(rtts.size());
  s.avg_ms = sum / n;
  s.mdev_ms = std::sqrt(std::max(0.0, sum2 / n - s.avg_ms * s.avg_ms));
  return s;
}

double loss_percent(int sent, int answered) {
  if (sent <= 0) return 0;
  int lost = std::max(0, sent - answered);
  return 100.0 * lost / sent;
}

}  // namespace vpcprobe::model
