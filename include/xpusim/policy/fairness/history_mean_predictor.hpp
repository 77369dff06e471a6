#pragma once
#include <vector>

#include "xpusim/policy/fairness/output_predictor.hpp"

namespace xpusim::policy {

// Predicts the mean output length of the tenant's finished requests (a prior before the first).
class HistoryMeanPredictor final : public OutputPredictor {
 public:
  explicit HistoryMeanPredictor(double prior_output_tokens) : prior_(prior_output_tokens) {}
  double predict(const FairRequest& request) override;
  void observe(const FairRequest& request, std::int64_t output_tokens) override;

 private:
  struct History {
    double sum = 0;
    std::int64_t count = 0;
  };
  double prior_;
  std::vector<History> by_tenant_;
};

}  // namespace xpusim::policy
