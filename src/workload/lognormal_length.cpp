#include "xpusim/workload/lognormal_length.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/error.hpp"

namespace xpusim::workload {

LognormalLength::LognormalLength(double mean, double cv, std::int32_t min, std::int32_t max)
    : min_(min), max_(max) {
  XPUSIM_CHECK(mean > 0 && cv >= 0 && min >= 1 && min <= max, "bad lognormal length parameters");
  // For X = exp(N(mu, sigma^2)): E[X] = exp(mu + sigma^2/2) and CV^2 = exp(sigma^2) - 1.
  const double variance_log = std::log1p(cv * cv);
  sigma_ = std::sqrt(variance_log);
  mu_ = std::log(mean) - variance_log / 2;
}

std::int32_t LognormalLength::sample(RngStream& rng) {
  // Clamp before rounding so a far-tail draw cannot overflow the integer conversion.
  const double x =
      std::clamp(rng.lognormal(mu_, sigma_), static_cast<double>(min_), static_cast<double>(max_));
  return static_cast<std::int32_t>(std::llround(x));
}

}  // namespace xpusim::workload
