#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "xpusim/core/rng.hpp"
#include "xpusim/policy/expert_placement/eplb.hpp"
#include "xpusim/policy/expert_placement/eplb_algorithm.hpp"
#include "xpusim/policy/expert_placement/micromoe.hpp"
#include "xpusim/policy/expert_placement/microep_layout.hpp"
#include "xpusim/policy/expert_placement/min_max_schedule.hpp"
#include "xpusim/policy/expert_placement/relibra.hpp"
#include "xpusim/policy/expert_placement/static_placement.hpp"

namespace xpusim::policy {
namespace {

double max_gpu(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

// The example of deepseek-ai/EPLB's README (2 layers, 12 experts, 16 replicas, 4 groups,
// 2 nodes, 8 GPUs) and the phy2log it prints.
TEST(Eplb, MatchesPublishedExample) {
  const std::vector<double> layer0{90, 132, 40, 61, 104, 165, 39, 4, 73, 56, 183, 86};
  const std::vector<double> layer1{20, 107, 104, 64, 19, 197, 187, 157, 172, 86, 16, 27};
  EXPECT_EQ(eplb::rebalance_experts(layer0, 16, 4, 2, 8),
            (std::vector<int>{5, 6, 5, 7, 8, 4, 3, 4, 10, 9, 10, 2, 0, 1, 11, 1}));
  EXPECT_EQ(eplb::rebalance_experts(layer1, 16, 4, 2, 8),
            (std::vector<int>{7, 10, 6, 8, 6, 11, 8, 9, 2, 4, 5, 1, 5, 0, 3, 1}));
}

TEST(Eplb, ReplicatesTheHeaviestLoadPerReplica) {
  const auto r = eplb::replicate_experts({10, 40, 20}, 6);
  // 40/1 -> expert 1; then 40/2 = 20/1: the tie goes to the first index (expert 1); then 20/1.
  EXPECT_EQ(r.phy2log, (std::vector<int>{0, 1, 2, 1, 1, 2}));
  EXPECT_EQ(r.logcnt, (std::vector<int>{1, 3, 2}));
}

TEST(Eplb, BalancedPackingFillsEachPackEqually) {
  const auto p = eplb::balanced_packing({9, 1, 8, 2, 7, 3}, 2);
  std::vector<double> load(2, 0);
  std::vector<int> count(2, 0);
  const std::vector<double> w{9, 1, 8, 2, 7, 3};
  for (int i = 0; i < 6; ++i) load[p.pack[i]] += w[i], ++count[p.pack[i]];
  EXPECT_EQ(count, (std::vector<int>{3, 3}));
  // Sorted 9 8 7 3 2 1: 9->A, 8->B, 7->B (15), 3->A, 2->A (A full: 14), 1->B (16).
  EXPECT_EQ(load[0], 14);
  EXPECT_EQ(load[1], 16);
}

TEST(Eplb, GlobalModeMayReplicateAcrossNodesHierarchicalMayNot) {
  const EpShape shape{4, 4, 2, 2};  // 4 experts, 4 GPUs on 2 nodes, 2 slots each
  const std::vector<double> loads{100, 1, 1, 1};
  const ExpertLayout none{std::vector<int>(8, -1)};
  EplbPlacement hier({"hierarchical", 2});
  EplbPlacement global({"global", 0});
  const auto h = hier.place_batch({shape, loads, none});
  const auto g = global.place_batch({shape, loads, none});
  auto nodes_holding = [&](const ExpertLayout& l, int e) {
    int mask = 0;
    for (int s = 0; s < 8; ++s)
      if (l.phy2log[s] == e) mask |= 1 << shape.node_of_gpu(shape.gpu_of_slot(s));
    return mask;
  };
  EXPECT_EQ(nodes_holding(h, 0), 1);  // group 0 (experts 0,1) stays on one node
  EXPECT_EQ(nodes_holding(g, 0), 3);  // global spreads the hot expert's 5 replicas
  EXPECT_EQ(g.replica_counts(4)[0], 5);
}

TEST(StaticPlacement, RoundRobinWithoutReplication) {
  const EpShape shape{6, 3, 1, 3};
  const ExpertLayout none{std::vector<int>(9, -1)};
  const std::vector<double> loads(6, 1.0);
  StaticPlacement p;
  const auto l = p.place_batch({shape, loads, none});
  EXPECT_EQ(l.phy2log, (std::vector<int>{0, 3, -1, 1, 4, -1, 2, 5, -1}));
}

TEST(EvenSplit, SharesTokensOverReplicas) {
  const EpShape shape{2, 2, 1, 2};
  const ExpertLayout l{{0, 1, 0, -1}};
  const std::vector<std::int64_t> loads{10, 4};
  EXPECT_EQ(even_split(shape, l, loads), (std::vector<double>{9, 5}));
}

TEST(Relibra, ReplicatesHotExpertsWithinTheirNodeOnly) {
  // 8 experts, 2 nodes x 2 GPUs x 3 slots: 2 home copies per GPU, 1 spare slot per GPU.
  const EpShape shape{8, 4, 2, 3};
  const std::vector<double> flat(8, 10.0);
  RelibraPlacement r;
  const ExpertLayout batch = r.place_batch({shape, flat, ExpertLayout{std::vector<int>(12, -1)}});
  std::vector<int> node_of(8, -1);
  for (int s = 0; s < 12; ++s)
    if (s % 3 < 2) node_of[batch.phy2log[s]] = shape.node_of_gpu(shape.gpu_of_slot(s));
  const int hot = 7;
  std::vector<double> mb(8, 5.0);
  mb[hot] = 80;
  const auto micro = r.place_micro_batch({shape, mb, batch});
  ASSERT_TRUE(micro.has_value());
  for (int s = 0; s < shape.slots(); ++s) {
    if (s % 3 < 2) EXPECT_EQ(micro->phy2log[s], batch.phy2log[s]) << "home copies stay";
    if (micro->phy2log[s] >= 0)
      EXPECT_EQ(shape.node_of_gpu(shape.gpu_of_slot(s)), node_of[micro->phy2log[s]]);
  }
  EXPECT_EQ(micro->replica_counts(8)[hot], 2);  // one copy on each GPU of its node
  std::vector<std::int64_t> loads(8, 5);
  loads[hot] = 80;
  EXPECT_LT(max_gpu(even_split(shape, *micro, loads)), max_gpu(even_split(shape, batch, loads)));
}

TEST(Relibra, BatchReorderingBalancesNodes) {
  const EpShape shape{4, 2, 2, 2};  // one GPU per node
  const std::vector<double> loads{40, 30, 20, 10};
  const ExpertLayout start{{0, 1, 2, 3}};  // static-like: node 0 holds 0 and 1 (70 vs 30)
  RelibraPlacement r;
  const auto l = r.place_batch({shape, loads, start});
  std::vector<std::int64_t> ints{40, 30, 20, 10};
  const auto gpu = even_split(shape, l, ints);
  EXPECT_EQ(gpu, (std::vector<double>{50, 50}));
}

// Brute force: every way to split each expert's tokens over its holders.
std::int64_t brute_force_min_max(const EpShape& shape, const ExpertLayout& layout,
                                 const std::vector<std::int64_t>& loads) {
  std::vector<std::vector<int>> holders(shape.experts);
  for (int s = 0; s < shape.slots(); ++s) {
    const int e = layout.phy2log[s];
    const int g = shape.gpu_of_slot(s);
    if (e >= 0 && std::find(holders[e].begin(), holders[e].end(), g) == holders[e].end())
      holders[e].push_back(g);
  }
  std::int64_t best = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> gpu(shape.gpus, 0);
  std::function<void(int)> rec = [&](int e) {
    if (e == shape.experts) {
      best = std::min(best, *std::max_element(gpu.begin(), gpu.end()));
      return;
    }
    // Distribute loads[e] over holders[e] in every integer way.
    std::function<void(std::size_t, std::int64_t)> split = [&](std::size_t i, std::int64_t left) {
      const int g = holders[e][i];
      if (i + 1 == holders[e].size()) {
        gpu[g] += left;
        rec(e + 1);
        gpu[g] -= left;
        return;
      }
      for (std::int64_t x = 0; x <= left; ++x) {
        gpu[g] += x;
        split(i + 1, left - x);
        gpu[g] -= x;
      }
    };
    split(0, loads[e]);
  };
  rec(0);
  return best;
}

TEST(MinMaxSchedule, OptimalAgainstBruteForceOnSmallCases) {
  RngStream rng(42);
  for (int trial = 0; trial < 60; ++trial) {
    const int experts = static_cast<int>(rng.uniform_int(2, 4));
    const int gpus = static_cast<int>(rng.uniform_int(2, 3));
    const int slots_per_gpu = static_cast<int>(rng.uniform_int(2, 3));
    const EpShape shape{experts, gpus, 1, slots_per_gpu};
    ExpertLayout layout{std::vector<int>(shape.slots(), -1)};
    for (int e = 0; e < experts && e < shape.slots(); ++e) layout.phy2log[e] = e;  // one copy each
    for (int s = experts; s < shape.slots(); ++s)
      layout.phy2log[s] = static_cast<int>(rng.uniform_int(-1, experts - 1));
    std::vector<std::int64_t> loads(experts);
    for (auto& x : loads) x = rng.uniform_int(0, 7);
    const TokenSchedule s = min_max_schedule(shape, layout, loads);
    EXPECT_EQ(s.max_gpu_tokens, brute_force_min_max(shape, layout, loads)) << "trial " << trial;
    // The schedule is a valid one: every token placed, only on holders.
    for (int e = 0; e < experts; ++e) {
      std::int64_t sum = 0;
      for (int g = 0; g < gpus; ++g) {
        sum += s.tokens[e][g];
        if (s.tokens[e][g] > 0) EXPECT_TRUE(layout.holds(shape, g, e));
      }
      EXPECT_EQ(sum, loads[e]);
    }
  }
}

TEST(MicroMoe, NeverWorseThanEvenSplitOnTheSameLayout) {
  const EpShape shape{4, 2, 1, 3};
  const ExpertLayout layout{{0, 1, 2, 0, 3, 1}};
  const std::vector<std::int64_t> loads{30, 2, 20, 2};
  MicroMoePlacement m({"eplb", {"global", 0}});
  const auto opt = m.schedule_tokens(shape, layout, loads);
  const auto even = even_split(shape, layout, loads);
  // Even: GPU0 = 15 + 1 + 20 = 36, GPU1 = 15 + 2 + 1 = 18; optimal moves expert 0 and 1 over.
  EXPECT_EQ(max_gpu(even), 36);
  EXPECT_EQ(max_gpu(opt), 27);
}

// The default mode follows deepseek-ai/EPLB rebalance_experts: hierarchical when the nodes
// divide the model's groups, else global. The README example has 4 groups on 2 nodes.
TEST(Eplb, AutoModeUsesTheModelsGroupsAsTheReferenceDoes) {
  const std::vector<double> layer0{90, 132, 40, 61, 104, 165, 39, 4, 73, 56, 183, 86};
  const ExpertLayout none{std::vector<int>(16, -1)};
  EpShape grouped{12, 8, 2, 2};
  grouped.expert_groups = 4;
  EplbPlacement automatic({"auto", 0});
  EXPECT_EQ(automatic.place_batch({grouped, layer0, none}).phy2log,
            (std::vector<int>{5, 6, 5, 7, 8, 4, 3, 4, 10, 9, 10, 2, 0, 1, 11, 1}));
  // No groups (DeepSeek-V2-Lite, n_group 1) on 2 nodes: 1 % 2 != 0, so global.
  EpShape ungrouped = grouped;
  ungrouped.expert_groups = 1;
  EXPECT_EQ(automatic.place_batch({ungrouped, layer0, none}).phy2log,
            eplb::rebalance_hierarchical(layer0, 16, 1, 1, 8));
  EXPECT_NE(automatic.place_batch({ungrouped, layer0, none}).phy2log,
            automatic.place_batch({grouped, layer0, none}).phy2log);
  // 3 groups on 2 nodes: auto falls back to global; hierarchical refuses.
  EpShape three = grouped;
  three.expert_groups = 3;
  EXPECT_EQ(automatic.place_batch({three, layer0, none}).phy2log,
            eplb::rebalance_hierarchical(layer0, 16, 1, 1, 8));
  EplbPlacement hier({"hierarchical", 0});
  EXPECT_THROW(hier.place_batch({three, layer0, none}), Error);
}

TEST(MicroEp, WaterFillRaisesTheLowestToOneLevel) {
  std::vector<double> load{0, 2, 5, 9};
  water_fill(load, {0, 1, 2}, 4);  // level 3: (3 - 0) + (3 - 2) = 4; GPU 2 stays at 5
  EXPECT_EQ(load, (std::vector<double>{3, 3, 5, 9}));
  water_fill(load, {0, 1, 2}, 3);  // GPUs 0 and 1 rise to (3 + 3 + 3) / 2 = 4.5 <= 5
  EXPECT_EQ(load, (std::vector<double>{4.5, 4.5, 5, 9}));
}

TEST(MicroEp, ReplicaCountsCapAtOneCopyPerGpu) {
  // 40/1 -> expert 1 (2 copies = GPUs, capped); 20/1 -> expert 2; then 10/1 = 10 -> expert 0.
  EXPECT_EQ(microep_replica_counts(std::vector<double>{10, 40, 20}, 6, 2),
            (std::vector<int>{2, 2, 2}));
}

// EPLB's packing can put both copies of the hot expert on one GPU (its shares are even, so
// the planned loads balance); MicroEP spreads them, so when the micro-batch deviates the
// min-max schedule can still even the GPUs out.
TEST(MicroEp, SpreadsReplicasSoTheScheduleAbsorbsDeviation) {
  const EpShape shape{3, 2, 1, 2};
  const std::vector<double> planned{4, 3, 1};
  const ExpertLayout none{std::vector<int>(4, -1)};
  const ExpertLayout eplb = EplbPlacement({"global", 0}).place_batch({shape, planned, none});
  const ExpertLayout micro = microep_layout(shape, planned);
  EXPECT_EQ(eplb.phy2log, (std::vector<int>{1, 2, 0, 0}));
  EXPECT_EQ(micro.phy2log, (std::vector<int>{0, 1, 0, 2}));
  const std::vector<std::int64_t> actual{6, 1, 1};
  EXPECT_EQ(min_max_schedule(shape, eplb, actual).max_gpu_tokens, 6);
  EXPECT_EQ(min_max_schedule(shape, micro, actual).max_gpu_tokens, 4);
}

TEST(MicroEp, EveryExpertPlacedNoGpuOverfull) {
  RngStream rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    const EpShape shape{16, 4, 2, 5};
    std::vector<double> loads(16);
    for (double& l : loads) l = rng.uniform(0, 100);
    const ExpertLayout l = microep_layout(shape, loads);
    const auto counts = l.replica_counts(16);
    for (int e = 0; e < 16; ++e) EXPECT_GE(counts[e], 1);
    for (int g = 0; g < 4; ++g)
      for (int e = 0; e < 16; ++e) {
        int copies = 0;
        for (int k = 0; k < 5; ++k) copies += l.phy2log[g * 5 + k] == e;
        EXPECT_LE(copies, 1);
      }
  }
}

// ReLibra's optional exact split: a replica on a GPU already busy with home experts should not
// take half of the hot expert's tokens.
TEST(Relibra, MinMaxSplitBeatsEvenSplitOnAReplicatedExpert) {
  const EpShape shape{4, 2, 1, 3};                 // 2 home slots + 1 spare per GPU
  const ExpertLayout layout{{0, 1, 2, 2, 3, -1}};  // expert 2 also in GPU 0's spare slot
  const std::vector<std::int64_t> loads{10, 10, 20, 0};
  RelibraPlacement even;
  RelibraPlacement exact({.min_max_split = true});
  // Even: GPU 0 = 10 + 10 + 10, GPU 1 = 10. Exact: expert 2 all on GPU 1: 20 and 20.
  EXPECT_EQ(max_gpu(even.schedule_tokens(shape, layout, loads)), 30);
  EXPECT_EQ(max_gpu(exact.schedule_tokens(shape, layout, loads)), 20);
}

}  // namespace
}  // namespace xpusim::policy
