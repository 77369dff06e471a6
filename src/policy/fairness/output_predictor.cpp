#include "xpusim/policy/fairness/output_predictor.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/policy/fairness/history_mean_predictor.hpp"
#include "xpusim/policy/fairness/noisy_oracle_predictor.hpp"
#include "xpusim/policy/fairness/oracle_predictor.hpp"

namespace xpusim::policy {

std::unique_ptr<OutputPredictor> make_output_predictor(const PredictorConfig& c,
                                                       std::uint64_t seed) {
  if (c.kind == "oracle") return std::make_unique<OraclePredictor>();
  if (c.kind == "history_mean")
    return std::make_unique<HistoryMeanPredictor>(c.prior_output_tokens);
  if (c.kind == "noisy_oracle") return std::make_unique<NoisyOraclePredictor>(c.noise_cv, seed);
  throw Error("unknown output predictor '" + c.kind + "'");
}

}  // namespace xpusim::policy
