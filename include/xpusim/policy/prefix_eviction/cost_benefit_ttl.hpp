#pragma once
// Cost-benefit time-to-live (ttl mode cost_benefit; docs/prefix-cache.md "Cost-benefit TTL").
// Continuum chooses a finished turn's TTL by weighing re-prefill cost against the memory the
// pin holds; its formula is not public. This stand-in pins a block for
//   TTL = argmax_{0 <= t <= max_ttl_s}  c * F(t) - lambda * t,
// per block: c = the prefill time the block costs if it is evicted and the program returns,
// F(t) = P(the program returns within t) from the log-normal fit of the turn's tool gaps, and
// lambda = c * pressure / break_even — the price of holding a block for a second, where
// `pressure` is the fraction of released blocks the cache had to evict lately (0: memory is
// not under demand, holding is free) and `break_even` the seconds of holding that cost one
// re-prefill at full pressure (by default the measured idle age of evicted blocks: holding a
// block that long pushes one other block out of the cache). c cancels, and so does the turn's
// block count (re-prefill and holding both scale with it), so the TTL depends on the tool's
// gap distribution and on pressure only.
#include <cstdint>

#include "xpusim/core/time.hpp"
#include "xpusim/policy/prefix_eviction/reuse_gap_fit.hpp"

namespace xpusim::policy {

class CostBenefitTtl {
 public:
  // `break_even_s` 0: measured (mean idle age of evicted blocks); `window`: releases and
  // evictions that count (exponential decay 1 - 1/window per event).
  CostBenefitTtl(double break_even_s, double window, double max_ttl_s);

  void on_release() { decay(); released_ += 1; }
  void on_evict(TimeNs idle_ns);
  // Fraction of recently released blocks that were evicted, in [0, 1].
  double pressure() const;
  // Seconds of holding one block that cost one re-prefill at full pressure (0: not known yet).
  double break_even_s() const;
  // The TTL for a turn whose program returns after a gap distributed as `fit`.
  double ttl_s(const ReuseGapFit& fit) const;
  // The same for a given hold price (re-prefills per second a held block costs): the
  // maximiser of F(t) - price * t on [0, max_ttl], found on the falling side of the density.
  static double best_ttl_s(const ReuseGapFit& fit, double price_per_s, double max_ttl_s);

 private:
  void decay();
  double fixed_break_even_s_;
  double keep_;  // 1 - 1/window
  double max_ttl_s_;
  double released_ = 0;
  double evicted_ = 0;
  double idle_sum_s_ = 0;  // decayed sum of evicted blocks' idle ages, and their count
  double idle_n_ = 0;
};

}  // namespace xpusim::policy
