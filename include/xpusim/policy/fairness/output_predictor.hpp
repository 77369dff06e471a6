#pragma once
// Predicts a request's output length before it runs (Equinox's prediction experts). Latency
// and resource use are derived from the predicted length by the policy (docs/fairness.md).
#include <cstdint>
#include <memory>
#include <string>

#include "xpusim/policy/fairness/fairness_policy.hpp"

namespace xpusim::policy {

class OutputPredictor {
 public:
  virtual ~OutputPredictor() = default;
  // Predicted output tokens (>= 1) of a request that just arrived.
  virtual double predict(const FairRequest& request) = 0;
  // The request finished with `output_tokens` generated (history-based predictors learn).
  virtual void observe(const FairRequest& /*request*/, std::int64_t /*output_tokens*/) {}
};

struct PredictorConfig {
  std::string kind = "oracle";       // oracle | history_mean | noisy_oracle
  double prior_output_tokens = 256;  // history_mean before a tenant's first completion
  double noise_cv = 0.5;             // noisy_oracle: relative error (lognormal, mean 1)
};

// Builds the predictor; `seed` feeds noisy_oracle's stream.
std::unique_ptr<OutputPredictor> make_output_predictor(const PredictorConfig& config,
                                                       std::uint64_t seed);

}  // namespace xpusim::policy
