#include <gtest/gtest.h>

#include <numeric>

#include "xpusim/policy/expert_offload/fetch_on_demand.hpp"
#include "xpusim/policy/expert_offload/hybrimoe.hpp"
#include "xpusim/policy/expert_placement/eplb.hpp"
#include "xpusim/policy/expert_placement/static_placement.hpp"
#include "xpusim/systems/expert_parallel_runner.hpp"
#include "xpusim/systems/offload_runner.hpp"
#include "xpusim/workload/zipf_routing.hpp"

namespace xpusim::systems {
namespace {

model::ModelSpec small_moe() {
  model::ModelSpec m;
  m.name = "tiny-moe";
  m.num_layers = 4, m.hidden = 1024, m.num_heads = 8, m.num_kv_heads = 8, m.head_dim = 128;
  m.num_experts = 8, m.experts_top_k = 2, m.expert_ffn_hidden = 2048, m.vocab = 1000;
  return m;
}

hw::DeviceSpec gpu() {
  hw::DeviceSpec d;
  d.name = "gpu";
  d.peak_bf16_flops = 1e15, d.peak_fp32_flops = 5e13;
  d.memory_bytes = 80e9, d.memory_bw_bytes_per_s = 3e12, d.max_power_w = 700;
  d.scaleup_bw_bytes_per_s = 450e9;
  return d;
}

const EpLinks kLinks{450e9, 0, 50e9, 0};

struct Recorder final : MoeObserver {
  std::vector<MoeLayerRecord> layers;
  std::vector<MoeStepRecord> steps;
  void on_layer(const MoeLayerRecord& r) override { layers.push_back(r); }
  void on_step(const MoeStepRecord& r) override { steps.push_back(r); }
};

TEST(MoeCostModel, AllToAllBoundByTheBusiestPortAndTheNetwork) {
  const policy::EpShape one_node{8, 4, 1, 2}, two_nodes{8, 4, 2, 2};
  const MoeCostModel a(small_moe(), gpu(), one_node, kLinks, true, 1024);
  const MoeCostModel b(small_moe(), gpu(), two_nodes, kLinks, true, 1024);
  const std::vector<double> even(4, 1000), skewed{2500, 500, 500, 500};
  EXPECT_LT(a.all_to_all(even).seconds, a.all_to_all(skewed).seconds);
  EXPECT_DOUBLE_EQ(a.all_to_all(even).bytes, a.all_to_all(skewed).bytes);  // same volume
  // Across nodes, half of each GPU's traffic takes the 9x slower NIC.
  EXPECT_GT(b.all_to_all(even).seconds, 4 * a.all_to_all(even).seconds);
  // GPU 0 receives 3/4 of its 1000 tokens from the others, 1024 hidden x 2 bytes each.
  EXPECT_DOUBLE_EQ(a.all_to_all(even).seconds, 750 * 2048 / 450e9);
}

TEST(MoeCostModel, WeightCopiesComeFromTheSameNodeWhenPossible) {
  const policy::EpShape shape{4, 4, 2, 2};  // GPUs 0,1 on node 0; 2,3 on node 1
  const MoeCostModel c(small_moe(), gpu(), shape, kLinks, true, 1024);
  const policy::ExpertLayout from{{0, -1, 1, -1, 2, -1, 3, -1}};
  const policy::ExpertLayout near{{0, -1, 1, 0, 2, -1, 3, -1}};  // expert 0 onto GPU 1
  const policy::ExpertLayout far{{0, -1, 1, -1, 2, 0, 3, -1}};   // expert 0 onto GPU 2
  EXPECT_DOUBLE_EQ(c.weight_moves(from, near).seconds, c.expert_bytes() / 450e9);
  EXPECT_DOUBLE_EQ(c.weight_moves(from, far).seconds, c.expert_bytes() / 50e9);
  EXPECT_EQ(c.weight_moves(from, from).bytes, 0);
}

TEST(MoeCostModel, ExpertTimeGrowsWithTokens) {
  const policy::EpShape shape{8, 4, 1, 2};
  const MoeCostModel c(small_moe(), gpu(), shape, kLinks, true, 1024);
  EXPECT_LT(c.expert_seconds(1000, 2), c.expert_seconds(4000, 2));
  EXPECT_EQ(c.expert_seconds(0, 2), 0);
  EXPECT_GT(c.dense_seconds(1000), 0);
}

struct Fixture {
  policy::EpShape shape{8, 4, 2, 4};
  MoeCostModel cost{small_moe(), gpu(), shape, kLinks, true, 1024};
  workload::ZipfRouting routing;
  Recorder rec;
  explicit Fixture(double skew) : routing(zipf(skew), RngStream(1)) {}
  static workload::ZipfRoutingConfig zipf(double skew) {
    workload::ZipfRoutingConfig z;
    z.layers = 3, z.experts = 8, z.top_k = 2, z.tokens = 4096, z.skew = skew, z.micro_batches = 2;
    z.drift = 0, z.micro_batch_shift = 0;  // a fixed hot set unless a test moves it
    return z;
  }
  MoeRunConfig config() const {
    MoeRunConfig c;
    c.steps = 4, c.micro_batches = 2, c.tokens_per_micro_batch = 4096;
    return c;
  }
};

TEST(ExpertParallelRunner, StaticNeverMovesAndNeverBeatsIdeal) {
  Fixture f(1.0);
  policy::StaticPlacement p;
  ExpertParallelRunner r(f.config(), f.shape, f.cost, f.routing, p, f.rec);
  const TimeNs end = r.run();
  ASSERT_EQ(f.rec.steps.size(), 4u);
  TimeNs sum = 0;
  for (const auto& s : f.rec.steps) {
    EXPECT_EQ(s.weight_move_bytes, 0);
    EXPECT_GT(s.time_ns, s.ideal_ns);  // skewed routing: the busiest GPU sets the pace
    sum += s.time_ns;
  }
  EXPECT_EQ(end, sum);
  // 4 steps x 2 micro-batches x 3 layers, forward and backward.
  EXPECT_EQ(f.rec.layers.size(), 48u);
  EXPECT_EQ(r.layer_passes(), 48u);
}

TEST(ExpertParallelRunner, HorizonStopsStartingSteps) {
  Fixture f(1.0);
  policy::StaticPlacement p;
  MoeRunConfig c = f.config();
  c.steps = 100;
  c.horizon_s = 1e-9;  // reached after the first step
  ExpertParallelRunner r(c, f.shape, f.cost, f.routing, p, f.rec);
  r.run();
  EXPECT_EQ(r.steps_done(), 1);
}

TEST(ExpertParallelRunner, ServingRunsForwardOnlyOneMicroBatch) {
  Fixture f(0.5);
  policy::StaticPlacement p;
  MoeRunConfig c = f.config();
  c.training = false;
  ExpertParallelRunner r(c, f.shape, f.cost, f.routing, p, f.rec);
  r.run();
  EXPECT_EQ(f.rec.layers.size(), 4u * 3u);
  for (const auto& l : f.rec.layers) EXPECT_FALSE(l.backward);
}

TEST(ExpertParallelRunner, ReplayedLoadsBalanceBetterThanHistory) {
  // Hot set reshuffled every batch: history predicts the previous batch, replay the coming one.
  auto run = [](bool replay) {
    Fixture f(1.2);
    auto z = Fixture::zipf(1.2);
    z.drift = 1.0;
    workload::ZipfRouting routing(z, RngStream(1));
    policy::EplbPlacement p({"global", 0});
    MoeRunConfig c = f.config();
    c.routing_replay = replay;
    c.steps = 6;
    ExpertParallelRunner r(c, f.shape, f.cost, routing, p, f.rec);
    r.run();
    double imb = 0;
    int n = 0;
    for (const auto& l : f.rec.layers)
      if (!l.backward) imb += l.max_gpu_tokens / l.mean_gpu_tokens, ++n;
    return imb / n;
  };
  EXPECT_LT(run(true), run(false));
}

struct IterationRecorder final : OffloadObserver {
  std::vector<OffloadIterationRecord> its;
  void on_iteration(const OffloadIterationRecord& r) override { its.push_back(r); }
};

TEST(OffloadRunner, CacheStaysWithinCapacityAndMissesCostFetches) {
  const OffloadCostModel cost(small_moe(), gpu(), CpuSpec{}, 32e9, 0, false, 512);
  auto run = [&](policy::ExpertOffloadPolicy& p, int capacity, IterationRecorder& rec) {
    workload::ZipfRoutingConfig z = Fixture::zipf(0.8);
    z.tokens = 1;
    z.micro_batch_shift = 0.5;
    workload::ZipfRouting routing(z, RngStream(2));
    OffloadRunConfig c;
    c.iterations = 20, c.capacity = capacity, c.top_k = 2;
    OffloadRunner r(c, cost, routing, p, rec);
    const TimeNs end = r.run();
    for (int l = 0; l < 3; ++l) {
      int resident = 0;
      for (int e = 0; e < 8; ++e) resident += r.resident(l, e) ? 1 : 0;
      EXPECT_LE(resident, capacity);
    }
    return end;
  };
  policy::FetchOnDemand small, large;
  IterationRecorder a, b;
  const TimeNs t_small = run(small, 2, a), t_large = run(large, 8, b);
  std::int64_t fetched_small = 0, fetched_large = 0;
  for (const auto& r : a.its) fetched_small += r.fetched;
  for (const auto& r : b.its) fetched_large += r.fetched;
  EXPECT_GT(fetched_small, 0);
  EXPECT_EQ(fetched_large, 0);  // everything resident
  EXPECT_GT(t_small, t_large);
  // HybriMoE on the same small cache sends some misses to the CPU and finishes sooner.
  policy::HybriMoe hy({0.5, 0, 0, false});
  IterationRecorder h;
  EXPECT_LT(run(hy, 2, h), t_small);
}

}  // namespace
}  // namespace xpusim::systems
