#pragma once
#include "xpusim/policy/fairness/output_predictor.hpp"

namespace xpusim::policy {

// Knows the true output length: the upper bound on what prediction can buy.
class OraclePredictor final : public OutputPredictor {
 public:
  double predict(const FairRequest& request) override;
};

}  // namespace xpusim::policy
