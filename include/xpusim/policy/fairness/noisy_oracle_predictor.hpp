#pragma once
#include "xpusim/core/rng.hpp"
#include "xpusim/policy/fairness/output_predictor.hpp"

namespace xpusim::policy {

// The true output length times a lognormal error of mean 1 and coefficient of variation
// `noise_cv`: prediction of a chosen quality, so its value can be measured.
class NoisyOraclePredictor final : public OutputPredictor {
 public:
  NoisyOraclePredictor(double noise_cv, std::uint64_t seed);
  double predict(const FairRequest& request) override;

 private:
  double mu_;
  double sigma_;
  RngStream rng_;
};

}  // namespace xpusim::policy
