// Per-token co-selection in the zipf routing source (coactivation_groups > 0): every token picks
// top-k distinct experts, the counts are the tokens' choices, gate scores sum to 1 per token,
// and group_affinity makes experts of one group co-selected (docs/moe.md, "Routing workload").
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "xpusim/core/error.hpp"
#include "xpusim/workload/zipf_routing.hpp"

namespace xpusim::workload {
namespace {

ZipfRoutingConfig grouped(int groups, double affinity, std::int64_t tokens) {
  ZipfRoutingConfig c;
  c.layers = 2, c.experts = 16, c.top_k = 4, c.tokens = tokens, c.skew = 0.8;
  c.coactivation_groups = groups, c.group_affinity = affinity;
  return c;
}

TEST(CoActivationRouting, CountsOnlyByDefault) {
  ZipfRoutingConfig c = grouped(0, 0.8, 8);
  ZipfRouting z(c, RngStream(3));
  ExpertLoads loads;
  z.next(loads);
  EXPECT_EQ(z.token_routes(), nullptr);
}

TEST(CoActivationRouting, EveryTokenPicksTopKDistinctExpertsMatchingTheCounts) {
  ZipfRouting z(grouped(4, 0.5, 50), RngStream(7));
  ExpertLoads loads;
  z.next(loads);
  const TokenRoutes* r = z.token_routes();
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->top_k, 4);
  for (int l = 0; l < 2; ++l) {
    ASSERT_EQ(r->experts[l].size(), 200u);
    std::vector<std::int64_t> counts(16, 0);
    for (std::size_t t = 0; t < 50; ++t) {
      std::set<int> distinct;
      double sum = 0;
      for (std::size_t j = 0; j < 4; ++j) {
        distinct.insert(r->experts[l][t * 4 + j]);
        ++counts[r->experts[l][t * 4 + j]];
        sum += r->scores[l][t * 4 + j];
        EXPECT_GT(r->scores[l][t * 4 + j], 0.0);
      }
      EXPECT_EQ(distinct.size(), 4u);
      EXPECT_NEAR(sum, 1.0, 1e-12);
      // In layer 0 the first expert has the top logit, so the highest score (later layers'
      // first expert may come from the previous layer's group instead).
      for (std::size_t j = 1; j < 4 && l == 0; ++j)
        EXPECT_GE(r->scores[l][t * 4], r->scores[l][t * 4 + j]);
    }
    EXPECT_EQ(counts, loads[l]);
  }
  z.next_sized(loads, 3, 4);  // serving-sized draws follow the batch
  EXPECT_EQ(z.token_routes()->experts[0].size(), 12u);
}

// Share of a token's later choices that fall in its first expert's group (groups of 4).
double same_group_share(double affinity) {
  ZipfRouting z(grouped(4, affinity, 2000), RngStream(11));
  ExpertLoads loads;
  z.next(loads);
  const auto& ex = z.token_routes()->experts[0];
  int same = 0, total = 0;
  for (std::size_t t = 0; t < ex.size() / 4; ++t)
    for (std::size_t j = 1; j < 4; ++j, ++total) same += ex[t * 4 + j] / 4 == ex[t * 4] / 4;
  return static_cast<double>(same) / total;
}

TEST(CoActivationRouting, GroupAffinityMakesGroupsCoSelected) {
  // Affinity 1: every later choice from the first's group (4 experts per group, top-4: the
  // token takes its whole group).
  EXPECT_DOUBLE_EQ(same_group_share(1.0), 1.0);
  // Affinity 0: plain weighted sampling; a group is a quarter of the experts, so about 3/15
  // of the remaining ones (skew moves it a little) — far below the affine case.
  const double none = same_group_share(0.0), half = same_group_share(0.5);
  EXPECT_LT(none, 0.35);
  EXPECT_GT(half, none + 0.3);
}

TEST(CoActivationRouting, RejectsMoreGroupsThanExperts) {
  EXPECT_THROW(ZipfRouting(grouped(17, 0.5, 1), RngStream(1)), Error);
}

}  // namespace
}  // namespace xpusim::workload
