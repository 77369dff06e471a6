#include <gtest/gtest.h>

#include "xpusim/policy/expert_offload/buddy.hpp"
#include "xpusim/policy/expert_offload/fetch_on_demand.hpp"
#include "xpusim/policy/expert_offload/hybrimoe.hpp"
#include "xpusim/policy/expert_offload/impact_prefetch.hpp"
#include "xpusim/policy/expert_offload/next_layer_predictor.hpp"
#include "xpusim/policy/expert_offload/static_hybrid.hpp"

namespace xpusim::policy {
namespace {

// HybriMoE's own cost constants (experts.py, ms): GPU 0.5 per expert, CPU 1.0 per token plus
// 0.79 to start, PCIe 0.41791 per expert.
struct CodeTimes final : OffloadTimes {
  double gpu_seconds(std::int64_t) const override { return 0.5; }
  double cpu_seconds(std::int64_t n) const override { return 1.0 * n; }
  double fetch_seconds() const override { return 0.41791; }
  double cpu_start_seconds() const override { return 0.79; }
};

TEST(HybriMoe, HybridScheduleSplitsAsCoded) {
  // Experts 0..5; 0 and 1 cached. Tokens: 0:3, 1:1, 2:4, 3:1, 4:2, 5:0.
  const std::vector<std::int64_t> tokens{3, 1, 4, 1, 2, 0};
  const std::vector<bool> cached{true, true, false, false, false, false};
  CodeTimes t;
  const OffloadLayerView v{0, 2, 2, false, tokens, cached, 2, t};
  OffloadDecision d;
  d.run.assign(6, ExpertRun::Gpu);
  hybrid_schedule(v, d);
  // sorted = [0 (3), 1 (1)] ++ [2 (4), 4 (2), 3 (1)]
  // 1: f=0 tg 0.5 vs l=3 tc 1.79 -> GPU (Tg 0.5)
  // 2: f=1 tg 0.5 (1.0) vs 1.79 -> GPU (Tg 1.0)
  // 3: f=2 missing: tm 0.418 < Tg -> tg 0.5 (1.5) vs 1.79 -> GPU (Tg 1.5, Tm 0.418)
  // 4: f=4 missing: tg 0.5 (2.0) vs l=3: 1.79 -> CPU (Tc 1.79)
  // 5: f=4: 2.0 vs l=4 on CPU: 1.79 + 2 = 3.79 -> GPU
  EXPECT_EQ(d.gpu_order, (std::vector<int>{0, 1, 2, 4}));
  EXPECT_EQ(d.run[2], ExpertRun::FetchThenGpu);
  EXPECT_EQ(d.run[4], ExpertRun::FetchThenGpu);
  EXPECT_EQ(d.run[3], ExpertRun::Cpu);
  EXPECT_EQ(d.run[0], ExpertRun::Gpu);
}

TEST(HybriMoe, ScoreCacheEvictsTheLowestMinusRecentScore) {
  HybriMoe h({0.5, 1, 0, false});
  CodeTimes t;
  const std::vector<bool> cached{true, true, true, false};
  std::vector<std::int64_t> tokens{0, 6, 2, 0};  // top-1 by score: expert 1
  const OffloadLayerView v{0, 1, 1, false, tokens, cached, 3, t};
  h.on_layer_done(v);
  EXPECT_DOUBLE_EQ(h.score(0, 1), 0.5 * 0.75);
  EXPECT_DOUBLE_EQ(h.score(0, 2), 0.0);  // not in the top p: decays from 0
  tokens = {4, 0, 0, 0};
  h.on_layer_done(v);
  EXPECT_DOUBLE_EQ(h.score(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(h.score(0, 1), 0.5 * 0.375);
  // Resident: 0 (0.5), 1 (0.1875), 2 (0): expert 2 goes; with 2 kept, expert 1.
  EXPECT_EQ(h.victim(0, cached, {false, false, false, false}), 2);
  EXPECT_EQ(h.victim(0, cached, {false, false, true, false}), 1);
}

TEST(HybriMoe, PrefillRunsEverythingOnTheGpuAndStreams) {
  HybriMoe h({0.5, 0, 0, false});
  CodeTimes t;
  const std::vector<std::int64_t> tokens{300, 100, 50};
  const std::vector<bool> cached{true, false, false};
  const auto d = h.schedule({0, 2, 2, true, tokens, cached, 1, t});
  EXPECT_EQ(d.gpu_order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(d.run[1], ExpertRun::FetchThenGpu);
  EXPECT_FALSE(d.cache_fetched);
}

TEST(HybriMoe, PrefetchesTheNextLayersHighestScores) {
  HybriMoe h({0.5, 1, 2, false});
  CodeTimes t;
  const std::vector<bool> cached(4, false);
  const std::vector<std::int64_t> next_tokens{0, 1, 9, 5};
  h.on_layer_done({1, 3, 1, false, next_tokens, cached, 2, t});  // layer 1 learns 2 then 3 hot
  h.on_layer_done({1, 3, 1, false, std::vector<std::int64_t>{0, 0, 0, 7}, cached, 2, t});
  const std::vector<std::int64_t> tokens{1, 0, 0, 0};
  const auto d = h.schedule({0, 3, 1, false, tokens, cached, 2, t});
  EXPECT_EQ(d.prefetch_next, (std::vector<int>{3, 2}));
}

TEST(FetchOnDemand, FetchesMissesAndEvictsLeastRecentlyUsed) {
  FetchOnDemand f;
  CodeTimes t;
  const std::vector<bool> cached{true, true, false};
  const std::vector<std::int64_t> tokens{1, 0, 1};
  const auto d = f.schedule({0, 1, 1, false, tokens, cached, 2, t});
  EXPECT_EQ(d.gpu_order, (std::vector<int>{0, 2}));
  EXPECT_EQ(d.run[2], ExpertRun::FetchThenGpu);
  f.on_layer_done({0, 1, 1, false, std::vector<std::int64_t>{0, 1, 0}, cached, 2, t});
  f.on_layer_done({0, 1, 1, false, std::vector<std::int64_t>{1, 0, 0}, cached, 2, t});
  EXPECT_EQ(f.victim(0, cached, {false, false, false}), 1);  // 1 used before 0
}

TEST(NextLayerPredictor, PredictsTheNextLayerFromLearnedTransitions) {
  NextLayerPredictor p(2);
  const std::vector<std::int64_t> four{1, 1, 1, 1};
  // Two passes of layers 0 -> 1, one token (top-1): 0 -> 2, then 0 -> 3, then 1 -> 3.
  for (const auto& [a, b] : std::vector<std::pair<int, int>>{{0, 2}, {0, 3}, {1, 3}}) {
    p.observe(0, four, std::vector<int>{a}, 1);
    p.observe(1, four, std::vector<int>{b}, 1);
  }
  EXPECT_EQ(p.transitions(0, 0, 2), 1);
  EXPECT_EQ(p.transitions(0, 0, 3), 1);
  EXPECT_EQ(p.transitions(0, 1, 3), 1);
  const std::vector<bool> none(4, false);
  // A token on expert 1 now: only 3 follows 1 (score 1); on 0: 2 and 3 (0.5 each).
  EXPECT_EQ(p.predict(0, none, std::vector<int>{1}, 1), (std::vector<int>{3}));
  EXPECT_EQ(p.predict(0, none, std::vector<int>{0}, 1), (std::vector<int>{2, 3}));
  // Tokens on 0 and 1: 3 scores 1.5, 2 scores 0.5; 3 resident -> prefetch 2 only.
  EXPECT_EQ(p.predict(0, {false, false, false, true}, std::vector<int>{0, 1}, 1),
            (std::vector<int>{2}));
}

TEST(FetchOnDemand, PrefetchesTheNextLayersPredictedExpertsThatAreMissing) {
  FetchOnDemand f({2});
  CodeTimes t;
  const std::vector<bool> cached{true, false, false, false};
  // Layer 1 history: pass 1 activates {1, 2}, pass 2 {2, 3}. Scores (a = 0.5): expert 1:
  // 0.25, 2: 0.75, 3: 0.5. Top 2: {2, 3}; both missing from layer 1's cache -> prefetch both.
  f.on_layer_done({1, 2, 2, false, std::vector<std::int64_t>{0, 1, 1, 0}, cached, 2, t});
  f.on_layer_done({1, 2, 2, false, std::vector<std::int64_t>{0, 0, 1, 1}, cached, 2, t});
  EXPECT_DOUBLE_EQ(f.predictor().score(1, 1), 0.25);
  EXPECT_DOUBLE_EQ(f.predictor().score(1, 2), 0.75);
  EXPECT_DOUBLE_EQ(f.predictor().score(1, 3), 0.5);
  const std::vector<bool> next{false, false, true, false};  // 2 already resident in layer 1
  const std::vector<std::int64_t> tokens{1, 0, 0, 0};
  OffloadLayerView v{0, 2, 2, false, tokens, cached, 2, t, &next};
  EXPECT_EQ(f.schedule(v).prefetch_next, (std::vector<int>{3}));
  FetchOnDemand plain;  // prefetch 0: nothing
  plain.on_layer_done({1, 2, 2, false, std::vector<std::int64_t>{0, 1, 1, 0}, cached, 2, t});
  EXPECT_TRUE(plain.schedule(v).prefetch_next.empty());
}

TEST(StaticHybrid, ResidentOnGpuMissingOnCpuNothingFetched) {
  StaticHybrid p;
  CodeTimes t;
  const std::vector<std::int64_t> tokens{3, 1, 4, 0};
  const std::vector<bool> cached{true, false, true, false};
  const OffloadLayerView v{0, 2, 2, false, tokens, cached, 2, t};
  const OffloadDecision d = p.schedule(v);
  EXPECT_EQ(d.run[0], ExpertRun::Gpu);
  EXPECT_EQ(d.run[2], ExpertRun::Gpu);
  EXPECT_EQ(d.run[1], ExpertRun::Cpu);
  EXPECT_EQ(d.gpu_order, (std::vector<int>{2, 0}));
  EXPECT_TRUE(d.prefetch_next.empty());
  EXPECT_FALSE(d.cache_fetched);
  EXPECT_EQ(p.victim(0, cached, {false, false, false, false}), -1);
}

// Predicted next layer: S = [0.5, 0.3, 0.2, 0] of 10 pairs -> tokens [5, 3, 2, 0], nothing
// resident. HSS sends all three to the GPU behind their fetches (0.418 each): the GPU waits
// 0.418 and runs 0.5 (0.918); the next copies land before it needs them: 1.418, 1.918. With
// expert 0 resident the first fetch hides behind it: 0.5, 1.0, 1.5. A second prefetch saves
// nothing more (the remaining copies are already hidden), so unlike the score rule, which
// would load `prefetch` experts, the impact rule loads one; expert 3 is never a candidate.
TEST(ImpactPrefetch, PicksWhatShortensThePredictedLayer) {
  CodeTimes t;
  const std::vector<bool> none(4, false);
  const std::vector<std::int64_t> predicted{5, 3, 2, 0};
  EXPECT_NEAR(hss_makespan(predicted, none, t), 3 * 0.5 + 0.41791, 1e-12);
  EXPECT_NEAR(hss_makespan(predicted, {true, false, false, false}, t), 1.5, 1e-12);
  const std::vector<double> score{0.5, 0.3, 0.2, 0.0};
  EXPECT_EQ(impact_prefetch(score, none, 4, 10, 1, t), (std::vector<int>{0}));
  EXPECT_EQ(impact_prefetch(score, none, 4, 10, 4, t), (std::vector<int>{0}));
  EXPECT_TRUE(impact_prefetch(score, {true, true, true, false}, 4, 10, 4, t).empty());
  // A full cache of one: prefetching expert 0 would push out expert 1 (S 0.3), which the
  // predicted layer needs as much: 1.5 either way, no gain, no prefetch.
  EXPECT_TRUE(impact_prefetch(score, {false, true, false, false}, 1, 10, 4, t).empty());
}

}  // namespace
}  // namespace xpusim::policy
