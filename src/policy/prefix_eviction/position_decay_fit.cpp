#include "xpusim/policy/prefix_eviction/position_decay_fit.hpp"

#include <algorithm>
#include <cmath>

namespace xpusim::policy {

std::size_t PositionDecayFit::bin(std::int32_t position) {
  const double x = std::log2(1.0 + std::max(position, 0));
  return std::min(static_cast<std::size_t>(x), kBins - 1);
}

void PositionDecayFit::released(std::int32_t position) {
  Bin& b = bins_[bin(position)];
  ++b.releases;
  b.sum_log_position += std::log1p(static_cast<double>(std::max(position, 0)));
}

void PositionDecayFit::reused(std::int32_t position) { ++bins_[bin(position)].reuses; }

double PositionDecayFit::beta() const {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const Bin& b : bins_) {
    if (b.releases < min_samples_ || b.releases == 0 || b.reuses == 0) continue;
    const double rel = static_cast<double>(b.releases);
    const double x = b.sum_log_position / rel;
    const double y = std::log(static_cast<double>(b.reuses) / rel);
    n += 1;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double var = sxx - sx * sx / std::max(n, 1.0);
  if (n < 2 || var < 1e-12) return prior_;
  const double slope = (sxy - sx * sy / n) / var;
  return std::clamp(-slope, 0.0, 10.0);
}

}  // namespace xpusim::policy
