#pragma once
// The output length Equinox's adaptive batch plans with (docs/fairness.md, "Equinox adaptive
// batching"). Equinox predicts it with a Mixture of Prediction Experts whose design is not
// public; the stand-ins are the truth (`oracle`, the bound on what prediction can buy) and the
// truth times a log-normal error of mean 1 and coefficient of variation `noise_cv`
// (`noisy_oracle`). The error of a request is a pure function of (seed, request id), so every
// iteration — and the request's time waiting and running — sees the same prediction.
#include <cstdint>

namespace xpusim::policy {

class BatchOutputPredictor {
 public:
  // noise_cv 0: the oracle.
  BatchOutputPredictor(double noise_cv, std::uint64_t seed);
  // Predicted output tokens (>= 1) of a request with `output_tokens` true output.
  std::int64_t predict(std::uint64_t request_id, std::int64_t output_tokens) const;
  bool exact() const { return sigma_ <= 0; }

 private:
  double mu_;
  double sigma_;
  std::uint64_t seed_;
};

}  // namespace xpusim::policy
