#include "xpusim/policy/fairness/noisy_oracle_predictor.hpp"

#include <algorithm>
#include <cmath>

namespace xpusim::policy {

// A lognormal factor with mean 1 and CV c has sigma^2 = ln(1 + c^2) and mu = -sigma^2 / 2.
NoisyOraclePredictor::NoisyOraclePredictor(double noise_cv, std::uint64_t seed)
    : sigma_(std::sqrt(std::log1p(noise_cv * noise_cv))), rng_(seed) {
  mu_ = -0.5 * sigma_ * sigma_;
}

double NoisyOraclePredictor::predict(const FairRequest& r) {
  const double factor = sigma_ > 0 ? rng_.lognormal(mu_, sigma_) : 1.0;
  return std::max(1.0, static_cast<double>(r.output_tokens) * factor);
}

}  // namespace xpusim::policy
