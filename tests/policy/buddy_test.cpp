// BuddyMoE on hand-made state: buddy lists from a hand-made co-activation matrix, substitution
// only on a prefetch miss, and the entropy and distribution gates (refs B.5, docs/moe.md).
#include <gtest/gtest.h>

#include <cmath>

#include "xpusim/policy/expert_offload/buddy.hpp"
#include "xpusim/policy/expert_offload/coactivation_profile.hpp"

namespace xpusim::policy {
namespace {

struct UnitTimes final : OffloadTimes {
  double gpu_seconds(std::int64_t) const override { return 1; }
  double cpu_seconds(std::int64_t n) const override { return 1.0 * n; }
  double fetch_seconds() const override { return 1; }
  double cpu_start_seconds() const override { return 0; }
};

TEST(CoActivationProfile, BuddiesRankByConditionalCoActivation) {
  // Four experts, top-2 tokens: {0,1} x3, {0,2} x1, {1,2} x2, {2,3} x1.
  CoActivationProfile p(1, 4);
  const std::vector<std::vector<int>> tokens{{0, 1}, {0, 1}, {0, 1}, {0, 2}, {1, 2}, {1, 2},
                                             {2, 3}};
  for (const auto& t : tokens) p.add_token(0, t);
  // M(0,0)=4, M(0,1)=3, M(0,2)=1; M(1,1)=5, M(1,2)=2; M(2,2)=4, M(2,3)=1; M(3,3)=1.
  EXPECT_EQ(p.count(0, 0, 1), 3);
  EXPECT_EQ(p.count(0, 1, 1), 5);
  EXPECT_DOUBLE_EQ(p.q(0, 0, 1), 3.0 / 4.0);  // row 0 off-diagonal: 3 + 1
  EXPECT_DOUBLE_EQ(p.q(0, 2, 1), 2.0 / 4.0);  // row 2: 1 + 2 + 1
  EXPECT_DOUBLE_EQ(p.q(0, 2, 3), 1.0 / 4.0);
  EXPECT_DOUBLE_EQ(p.similarity(0, 0, 1), 3.0 / std::sqrt(4.0 * 5.0));
  EXPECT_DOUBLE_EQ(p.similarity(0, 0, 3), 0.0);
  EXPECT_EQ(p.buddies(0, 0, 4), (std::vector<int>{1, 2}));     // 3 never with 0
  EXPECT_EQ(p.buddies(0, 2, 4), (std::vector<int>{1, 0, 3}));  // 2 > 1 = 1, tie to lower
  EXPECT_EQ(p.buddies(0, 2, 1), (std::vector<int>{1}));        // search limit H = 1
  EXPECT_EQ(p.buddies(0, 3, 4), (std::vector<int>{2}));
}

TEST(CoActivationProfile, CountsOnlyCoActivateByTheSmallerCount) {
  CoActivationProfile p(1, 3);
  p.add_counts(0, std::vector<std::int64_t>{4, 1, 0});
  EXPECT_EQ(p.count(0, 0, 0), 4);
  EXPECT_EQ(p.count(0, 0, 1), 1);
  EXPECT_EQ(p.count(0, 0, 2), 0);
}

TEST(BuddyMoe, NormalisedEntropy) {
  EXPECT_DOUBLE_EQ(BuddyMoe::normalised_entropy(std::vector<double>{0.5, 0.5}), 1.0);
  EXPECT_DOUBLE_EQ(BuddyMoe::normalised_entropy(std::vector<double>{1.0, 0.0}), 0.0);
  const double h = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25)) / std::log(2.0);
  EXPECT_DOUBLE_EQ(BuddyMoe::normalised_entropy(std::vector<double>{0.75, 0.25}), h);
  EXPECT_DOUBLE_EQ(BuddyMoe::normalised_entropy(std::vector<double>{1.0}), 0.0);
}

// One layer, four experts, top-2. Profile: tokens {0,1} and {2,3}: buddies 0<->1, 2<->3.
struct Profiled {
  UnitTimes t;
  BuddyMoe b;
  explicit Profiled(BuddyConfig c) : b(c) {
    const std::vector<bool> all(4, true);
    const std::vector<std::int64_t> tokens{1, 1, 1, 1};
    const std::vector<int> experts{0, 1, 2, 3};
    const std::vector<double> scores{0.5, 0.5, 0.5, 0.5};
    OffloadLayerView v{0, 1, 2, false, tokens, all, 4, t};
    v.token_experts = experts, v.token_scores = scores;
    b.on_layer_done(v);
  }
  OffloadDecision schedule(const std::vector<bool>& cached, const std::vector<int>& experts,
                           const std::vector<double>& scores) {
    std::vector<std::int64_t> tokens(4, 0);
    for (int e : experts) ++tokens[e];
    OffloadLayerView v{0, 1, 2, false, tokens, cached, 2, t};
    v.token_experts = experts, v.token_scores = scores;
    return b.schedule(v);
  }
};

BuddyConfig config(double entropy, double missing) {
  BuddyConfig c;
  c.prefetch = 0, c.profile_iterations = 1, c.search_limit = 2;
  c.entropy_threshold = entropy, c.max_missing_share = missing;
  return c;
}

TEST(BuddyMoe, BuddiesComeFromTheProfiledCoActivation) {
  Profiled p(config(0, 1));
  ASSERT_TRUE(p.b.profiled());
  EXPECT_EQ(p.b.buddies(0, 0), (std::vector<int>{1}));
  EXPECT_EQ(p.b.buddies(0, 3), (std::vector<int>{2}));
}

TEST(BuddyMoe, SubstitutesOnlyWhenThePrefetchMissed) {
  Profiled p(config(0, 1));
  // One token picks {0, 2}. Cache {1, 2}: expert 2 is resident (a prefetch hit) and runs;
  // expert 0 missed and its buddy 1 is resident: substituted, similarity M(0,1)/sqrt(1*1)=1.
  const auto d = p.schedule({false, true, true, false}, {0, 2}, {0.5, 0.5});
  EXPECT_EQ(d.run[2], ExpertRun::Gpu);
  EXPECT_EQ(d.run[0], ExpertRun::Substitute);
  EXPECT_EQ(d.substitute[0], 1);
  EXPECT_DOUBLE_EQ(d.similarity[0], 1.0);
  EXPECT_EQ(d.gpu_order, (std::vector<int>{2}));
  // Same token with expert 0 resident too (the prefetcher got it): nothing substituted.
  const auto hit = p.schedule({true, false, true, false}, {0, 2}, {0.5, 0.5});
  EXPECT_EQ(hit.run[0], ExpertRun::Gpu);
  EXPECT_EQ(hit.run[2], ExpertRun::Gpu);
  // Expert 0 missed and its buddy is not resident either: fetched on demand.
  const auto fetch = p.schedule({false, false, true, true}, {0, 2}, {0.5, 0.5});
  EXPECT_EQ(fetch.run[0], ExpertRun::FetchThenGpu);
}

TEST(BuddyMoe, NoSubstitutionWhileProfiling) {
  BuddyConfig c = config(0, 1);
  c.profile_iterations = 2;
  Profiled p(c);  // one iteration profiled of two
  EXPECT_FALSE(p.b.profiled());
  const auto d = p.schedule({false, true, true, false}, {0, 2}, {0.5, 0.5});
  EXPECT_EQ(d.run[0], ExpertRun::FetchThenGpu);
}

TEST(BuddyMoe, EntropyGateKeepsAConfidentRoutersChoice) {
  Profiled p(config(0.9, 1));
  // Scores 0.95 / 0.05: normalised entropy 0.29 < 0.9 -> fetch; 0.5 / 0.5 (1.0) -> substitute.
  EXPECT_EQ(p.schedule({false, true, true, false}, {0, 2}, {0.95, 0.05}).run[0],
            ExpertRun::FetchThenGpu);
  EXPECT_EQ(p.schedule({false, true, true, false}, {0, 2}, {0.5, 0.5}).run[0],
            ExpertRun::Substitute);
  // Two tokens on expert 0: one confident token blocks the expert.
  EXPECT_EQ(p.schedule({false, true, true, false}, {0, 2, 0, 2}, {0.5, 0.5, 0.95, 0.05}).run[0],
            ExpertRun::FetchThenGpu);
}

TEST(BuddyMoe, DistributionGateStopsCascadingSubstitutions) {
  // Token {0, 2} with only 1 and 3 resident: both experts missed (share 1.0).
  Profiled strict(config(0, 0.5));
  const auto d = strict.schedule({false, true, false, true}, {0, 2}, {0.5, 0.5});
  EXPECT_EQ(d.run[0], ExpertRun::FetchThenGpu);
  EXPECT_EQ(d.run[2], ExpertRun::FetchThenGpu);
  Profiled loose(config(0, 1));
  const auto d2 = loose.schedule({false, true, false, true}, {0, 2}, {0.5, 0.5});
  EXPECT_EQ(d2.run[0], ExpertRun::Substitute);
  EXPECT_EQ(d2.substitute[2], 3);
}

}  // namespace
}  // namespace xpusim::policy
