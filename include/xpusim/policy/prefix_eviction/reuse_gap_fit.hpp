#pragma once
// A log-normal fit of the time between a block's release and its next reuse, learned online
// (running mean and variance of the log gap). SAECache models reuse timing as log-normal;
// TTL pinning uses the same fit to choose how long to keep a finished turn.
#include <cstdint>

namespace xpusim::policy {

class ReuseGapFit {
 public:
  // The fit answers with the prior (mu, sigma of the log gap in seconds) until `min_samples`.
  ReuseGapFit(double prior_mu, double prior_sigma, std::int64_t min_samples)
      : prior_mu_(prior_mu), prior_sigma_(prior_sigma), min_samples_(min_samples) {}
  void add(double gap_s);
  std::int64_t samples() const { return n_; }
  double mu() const;
  double sigma() const;
  double cdf(double t_s) const;  // P(gap <= t)
  // P(gap <= age + horizon | gap > age): the chance a block idle for `age` is reused soon.
  double reuse_within(double age_s, double horizon_s) const;
  double quantile(double q) const;  // by bisection on the CDF (deterministic, no tables)

 private:
  double prior_mu_;
  double prior_sigma_;
  std::int64_t min_samples_;
  std::int64_t n_ = 0;
  double mean_ = 0;
  double m2_ = 0;
};

}  // namespace xpusim::policy
