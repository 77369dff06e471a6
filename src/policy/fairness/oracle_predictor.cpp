#include "xpusim/policy/fairness/oracle_predictor.hpp"

#include <algorithm>

namespace xpusim::policy {

double OraclePredictor::predict(const FairRequest& r) {
  return std::max<double>(1.0, static_cast<double>(r.output_tokens));
}

}  // namespace xpusim::policy
