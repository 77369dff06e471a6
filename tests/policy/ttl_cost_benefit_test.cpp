// Cost-benefit TTL (ttl mode cost_benefit) on hand-made state: TTL = argmax over t of
// F(t) - price * t for a log-normal return-time distribution F, price = pressure / break-even
// (docs/prefix-cache.md, "Cost-benefit TTL"). The numbers are hand-computed from the formula.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "xpusim/policy/prefix_eviction/cost_benefit_ttl.hpp"
#include "xpusim/policy/prefix_eviction/ttl.hpp"

namespace xpusim::policy {
namespace {

// Returns after log-normal(mu = ln 4 s, sigma = 0.5) — the prior answers (min_samples not met).
ReuseGapFit four_seconds() { return ReuseGapFit(std::log(4.0), 0.5, 1000); }

// The optimum sits where the density has fallen to the price: f(6 s) = exp(-(ln 1.5 / 0.5)^2 / 2)
// / (6 * 0.5 * sqrt(2 pi)) = 0.0957174..., and F(6) - 6 f(6) = 0.79 - 0.57 > 0, so TTL = 6 s.
TEST(CostBenefitTtl, PinsUntilTheReturnDensityFallsToThePrice) {
  EXPECT_NEAR(CostBenefitTtl::best_ttl_s(four_seconds(), 0.0957174429971482, 1000), 6.0, 1e-6);
  // A cheaper hold pins longer, a dearer one shorter.
  EXPECT_GT(CostBenefitTtl::best_ttl_s(four_seconds(), 0.05, 1000), 6.0);
  EXPECT_LT(CostBenefitTtl::best_ttl_s(four_seconds(), 0.15, 1000), 6.0);
}

TEST(CostBenefitTtl, PinsNothingWhenHoldingNeverPays) {
  // The density peaks at the mode 4 e^-0.25 = 3.115 s with f = 0.22603; a price above it: 0.
  EXPECT_EQ(CostBenefitTtl::best_ttl_s(four_seconds(), 0.23, 1000), 0.0);
  // Just under it the density crosses the price past the mode, but there F(t) ~ 0.31 < 0.22 t:
  // the pin would cost more than the re-prefill it saves, so not pinning wins.
  EXPECT_EQ(CostBenefitTtl::best_ttl_s(four_seconds(), 0.22, 1000), 0.0);
}

TEST(CostBenefitTtl, FreeHoldingPinsForTheCap) {
  EXPECT_EQ(CostBenefitTtl::best_ttl_s(four_seconds(), 0.0, 30), 30.0);
  // f(10 s) = 0.01488 is above a price of 0.01: the benefit still grows at a 10 s cap.
  EXPECT_EQ(CostBenefitTtl::best_ttl_s(four_seconds(), 0.01, 10), 10.0);
}

// Pressure = decayed evictions / decayed releases; window 4 keeps 0.75 per event:
// release (r = 1), release (r = 1.75), evict (r = 1.3125, e = 1): pressure 1 / 1.3125.
// The break-even defaults to the evicted block's idle age, 10 s: price 0.7619 / 10 per second.
TEST(CostBenefitTtl, PriceIsPressureOverMeasuredBreakEven) {
  CostBenefitTtl cb(0, 4, 1000);
  EXPECT_EQ(cb.ttl_s(four_seconds()), 1000.0);  // nothing released or evicted: free
  cb.on_release();
  cb.on_release();
  EXPECT_EQ(cb.pressure(), 0.0);
  EXPECT_EQ(cb.ttl_s(four_seconds()), 1000.0);  // released but never evicted: free
  cb.on_evict(seconds_to_ns(10));
  EXPECT_NEAR(cb.pressure(), 1.0 / 1.3125, 1e-12);
  EXPECT_NEAR(cb.break_even_s(), 10.0, 1e-12);
  EXPECT_NEAR(cb.ttl_s(four_seconds()),
              CostBenefitTtl::best_ttl_s(four_seconds(), (1.0 / 1.3125) / 10.0, 1000), 1e-12);
  // A fixed break-even overrides the measured one.
  CostBenefitTtl fixed(2, 4, 1000);
  fixed.on_release();
  fixed.on_evict(seconds_to_ns(10));
  EXPECT_NEAR(fixed.break_even_s(), 2.0, 1e-12);
}

struct Table : BlockTable {
  std::vector<CachedBlock> blocks;
  const CachedBlock& block(BlockId id) const override { return blocks.at(id); }
};

// Through the policy: a short tool (gaps 1 s) keeps a pin under pressure, a long one (gaps
// 100 s) does not; with no eviction yet both get the cap.
TEST(TtlCostBenefit, UnderPressureShortToolsArePinnedAndLongOnesAreNot) {
  TtlEviction ttl({.mode = TtlEviction::Mode::CostBenefit, .initial_ttl_s = 10, .max_ttl_s = 120,
                   .min_samples = 2, .break_even_s = 5, .pressure_window = 1e9});
  for (auto [tool, gap] : {std::pair{0, 0.8}, {0, 1.25}, {1, 80.0}, {1, 125.0}}) {
    CachedBlock b{.session = 1, .followup = true, .released_ns = 0};
    b.tool = tool;
    ttl.on_touch(0, b, seconds_to_ns(gap));
  }
  EXPECT_EQ(ttl.current_ttl_s(0), 120.0);
  EXPECT_EQ(ttl.current_ttl_s(1), 120.0);
  // One release, one eviction: pressure 1, price 1 / 5 s.
  Table t;
  t.blocks.push_back({.session = 2, .released_ns = 0});
  t.blocks[0].release_order = 1;
  ttl.on_candidate(0, t.blocks[0], 0);
  EXPECT_EQ(ttl.victim(t, seconds_to_ns(1)), 0u);
  ttl.on_withdrawn(0, t.blocks[0]);
  // Tool 0: log-normal(mu = 0, sigma = ln 1.25 * sqrt 2 = 0.3156): f(mode) ~ 1.3/s > 0.2/s.
  const double short_ttl = ttl.current_ttl_s(0);
  EXPECT_GT(short_ttl, 1.0);
  EXPECT_LT(short_ttl, 120.0);
  // Tool 1: median 100 s, f(mode) ~ 0.013/s < 0.2/s: holding never pays.
  EXPECT_EQ(ttl.current_ttl_s(1), 0.0);
}

}  // namespace
}  // namespace xpusim::policy
