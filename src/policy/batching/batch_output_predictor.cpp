#include "xpusim/policy/batching/batch_output_predictor.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/rng.hpp"

namespace xpusim::policy {

// A log-normal factor with mean 1 and CV c has sigma^2 = ln(1 + c^2) and mu = -sigma^2 / 2.
BatchOutputPredictor::BatchOutputPredictor(double noise_cv, std::uint64_t seed)
    : mu_(0), sigma_(std::sqrt(std::log1p(noise_cv * noise_cv))), seed_(seed) {
  mu_ = -0.5 * sigma_ * sigma_;
}

std::int64_t BatchOutputPredictor::predict(std::uint64_t request_id, std::int64_t output_tokens) const {
  if (exact()) return output_tokens;
  // One stream per request: its first draw is the request's error, whatever asked before.
  RngStream rng(seed_ * 0x9E3779B97F4A7C15ULL + request_id);
  const double factor = rng.lognormal(mu_, sigma_);
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(output_tokens) * factor));
}

}  // namespace xpusim::policy
