#include "xpusim/policy/prefix_eviction/cost_benefit_ttl.hpp"

#include <algorithm>
#include <cmath>

namespace xpusim::policy {

CostBenefitTtl::CostBenefitTtl(double break_even_s, double window, double max_ttl_s)
    : fixed_break_even_s_(break_even_s), keep_(1.0 - 1.0 / std::max(window, 1.0)),
      max_ttl_s_(max_ttl_s) {}

void CostBenefitTtl::decay() {
  released_ *= keep_;
  evicted_ *= keep_;
}

void CostBenefitTtl::on_evict(TimeNs idle_ns) {
  decay();
  evicted_ += 1;
  idle_sum_s_ = idle_sum_s_ * keep_ + ns_to_seconds(std::max<TimeNs>(idle_ns, 0));
  idle_n_ = idle_n_ * keep_ + 1;
}

double CostBenefitTtl::pressure() const {
  return released_ > 0 ? std::min(evicted_ / released_, 1.0) : 0.0;
}

double CostBenefitTtl::break_even_s() const {
  if (fixed_break_even_s_ > 0) return fixed_break_even_s_;
  return idle_n_ > 0 ? idle_sum_s_ / idle_n_ : 0.0;
}

double CostBenefitTtl::ttl_s(const ReuseGapFit& fit) const {
  const double p = pressure();
  const double r = break_even_s();
  if (p <= 0) return max_ttl_s_;  // nothing is evicted: holding costs nothing
  // Evicted blocks idle for (almost) no time: every block is needed at once, pin nothing.
  if (r <= 1e-9) return 0;
  return best_ttl_s(fit, p / r, max_ttl_s_);
}

double CostBenefitTtl::best_ttl_s(const ReuseGapFit& fit, double price_per_s, double max_ttl_s) {
  if (price_per_s <= 0) return max_ttl_s;
  const double mu = fit.mu(), sigma = fit.sigma();
  // Log-normal density; d/dt [F(t) - price t] = f(t) - price.
  const auto density = [&](double t) {
    const double z = (std::log(t) - mu) / sigma;
    return std::exp(-0.5 * z * z) / (t * sigma * std::sqrt(2.0 * M_PI));
  };
  const double mode = std::exp(mu - sigma * sigma);
  if (mode >= max_ttl_s) {
    // The density rises over the whole range: the best TTL is an end of it.
    return fit.cdf(max_ttl_s) - price_per_s * max_ttl_s > 0 ? max_ttl_s : 0.0;
  }
  if (density(mode) <= price_per_s) return 0;  // holding never pays for itself
  double t = max_ttl_s;
  if (density(max_ttl_s) < price_per_s) {
    // f falls from above the price at the mode to below it at max_ttl: bisect on log t.
    double lo = std::log(mode), hi = std::log(max_ttl_s);
    for (int i = 0; i < 60; ++i) {
      const double mid = 0.5 * (lo + hi);
      if (density(std::exp(mid)) > price_per_s) lo = mid;
      else hi = mid;
    }
    t = std::exp(0.5 * (lo + hi));
  }
  // The local maximum must beat not pinning at all (t = 0, net benefit 0).
  return fit.cdf(t) - price_per_s * t > 0 ? t : 0.0;
}

}  // namespace xpusim::policy
