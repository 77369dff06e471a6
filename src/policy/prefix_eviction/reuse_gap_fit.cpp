#include "xpusim/policy/prefix_eviction/reuse_gap_fit.hpp"

#include <algorithm>
#include <cmath>

namespace xpusim::policy {

namespace {
constexpr double kMinGapS = 1e-3;  // a reuse within a millisecond counts as one (log of 0)
}

void ReuseGapFit::add(double gap_s) {
  const double x = std::log(std::max(gap_s, kMinGapS));
  ++n_;
  const double d = x - mean_;
  mean_ += d / static_cast<double>(n_);
  m2_ += d * (x - mean_);
}

double ReuseGapFit::mu() const { return n_ >= min_samples_ ? mean_ : prior_mu_; }

double ReuseGapFit::sigma() const {
  if (n_ < min_samples_ || n_ < 2) return prior_sigma_;
  // A floor keeps the CDF from becoming a step when every gap so far was the same.
  return std::max(std::sqrt(m2_ / static_cast<double>(n_ - 1)), 0.05);
}

double ReuseGapFit::cdf(double t_s) const {
  if (t_s <= 0) return 0;
  return 0.5 * std::erfc(-(std::log(t_s) - mu()) / (sigma() * std::sqrt(2.0)));
}

double ReuseGapFit::reuse_within(double age_s, double horizon_s) const {
  const double f_age = cdf(age_s);
  const double survive = 1.0 - f_age;
  if (survive <= 1e-12) return 0;  // far past every gap seen: reuse is unlikely
  return std::clamp((cdf(age_s + horizon_s) - f_age) / survive, 0.0, 1.0);
}

double ReuseGapFit::quantile(double q) const {
  // ln t lies within mu +- 10 sigma for any q used here; 60 halvings reach double precision.
  double lo = mu() - 10 * sigma(), hi = mu() + 10 * sigma();
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (cdf(std::exp(mid)) < q) lo = mid;
    else hi = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

}  // namespace xpusim::policy
