// Serving's expert-offload stage on hand-computed iterations: a few experts, fixed routing,
// a CPU of 1 ms per token-expert pair, a host link of 1 ms per expert copy, the execution
// model's estimate split evenly over the decoder layers (docs/moe.md, "Offload in serving").
#include "xpusim/systems/expert_offload_stage.hpp"

#include <gtest/gtest.h>

#include "xpusim/policy/expert_offload/fetch_on_demand.hpp"
#include "xpusim/policy/expert_offload/static_hybrid.hpp"

namespace xpusim::systems {
namespace {

// Two decoder layers, the second MoE (DeepSeek's dense first layer), four experts, top-1.
model::ModelSpec tiny_moe() {
  model::ModelSpec m;
  m.name = "tiny-moe";
  m.num_layers = 2, m.first_dense_layers = 1;
  m.hidden = 1024, m.num_heads = 8, m.num_kv_heads = 8, m.head_dim = 128;
  m.num_experts = 4, m.experts_top_k = 1, m.expert_ffn_hidden = 2048, m.vocab = 1000;
  return m;
}

hw::DeviceSpec gpu() {
  hw::DeviceSpec d;
  d.name = "gpu";
  d.peak_bf16_flops = 1e15, d.peak_fp32_flops = 5e13;
  d.memory_bytes = 24e9, d.memory_bw_bytes_per_s = 3e12, d.max_power_w = 300;
  d.pcie_bw_bytes_per_s = 32e9;
  return d;
}

class FixedRouting final : public workload::RoutingSource {
 public:
  explicit FixedRouting(std::vector<std::int64_t> weights) : weights_(std::move(weights)) {}
  int layers() const override { return 1; }
  int experts() const override { return static_cast<int>(weights_.size()); }
  void next(workload::ExpertLoads& out) override { out.assign(1, weights_); }

 private:
  std::vector<std::int64_t> weights_;
};

struct Recorder final : OffloadObserver {
  std::vector<OffloadIterationRecord> its;
  void on_iteration(const OffloadIterationRecord& r) override { its.push_back(r); }
};

struct Fixture {
  model::ModelSpec model = tiny_moe();
  double expert_bytes = model.expert_params() * 2;  // bf16
  // 1 ms per token-expert pair on the CPU (compute-bound: DRAM far faster), 0.5 ms launch;
  // 1 ms per expert over PCIe, no latency.
  CpuSpec cpu{2.0 * model.expert_params() / 1e-3, 1e18, 0.5e-3};
  OffloadCostModel decode{model, gpu(), cpu, expert_bytes / 1e-3, 0, false, 1};
  OffloadCostModel prefill{model, gpu(), cpu, expert_bytes / 1e-3, 0, true, 1};
  Recorder rec;

  ExpertOffloadStage stage(std::unique_ptr<policy::ExpertOffloadPolicy> policy, int capacity) {
    OffloadServingConfig c;
    c.top_k = 1, c.model_layers = 2, c.capacity = capacity;
    c.warm = {{0}};
    // 3 tokens: two to expert 0 (cached), one to expert 1 (in host memory).
    return ExpertOffloadStage(c, decode, prefill,
                              std::make_unique<FixedRouting>(std::vector<std::int64_t>{2, 1, 0, 0}),
                              std::move(policy), rec);
  }
};

model::BatchShape decode3() {
  model::BatchShape b;
  b.decode_seqs = 3;
  b.decode_context_sum = 300;
  return b;
}

TEST(ExpertOffloadStage, CostModelTimesAreTheGivenSpeeds) {
  Fixture f;
  EXPECT_NEAR(f.decode.cpu_seconds(1), 1e-3, 1e-15);
  EXPECT_NEAR(f.decode.cpu_seconds(3), 3e-3, 1e-15);
  EXPECT_NEAR(f.decode.fetch_seconds(), 1e-3, 1e-15);
  EXPECT_LT(f.decode.gpu_seconds(2), 0.1e-3);  // 12.6 MB at 3 TB/s: far below a CPU token
}

// kTransformers' static mapping: the cached expert on the GPU, the other on the CPU. The
// estimate is 4 ms over 2 layers: the dense layer's 2 ms, then the MoE layer's 2 ms, then its
// experts: GPU g(2) us, CPU 0.5 + 1 ms; the CPU ends last, so the experts add 1.5 ms.
TEST(ExpertOffloadStage, StaticHybridAddsTheCpuPath) {
  Fixture f;
  auto s = f.stage(std::make_unique<policy::StaticHybrid>(), 1);
  for (int it = 0; it < 2; ++it) {
    model::IterationCost cost;
    cost.time_ns = 4'000'000;
    s.add_experts(decode3(), 1'000'000'000 + it * 10'000'000, cost);
    EXPECT_EQ(cost.time_ns, 5'500'000) << it;
  }
  ASSERT_EQ(f.rec.its.size(), 2u);
  const OffloadIterationRecord& r = f.rec.its[1];
  EXPECT_EQ(r.added_ns, 1'500'000);
  EXPECT_EQ(r.time_ns, 5'500'000);
  EXPECT_EQ(r.activated, 2);
  EXPECT_EQ(r.hits, 1);
  EXPECT_EQ(r.on_cpu, 1);
  EXPECT_EQ(r.cpu_pairs, 1);
  EXPECT_EQ(r.fetched, 0);
  EXPECT_NEAR(r.cpu_expert_s, 1.5e-3, 1e-12);
  EXPECT_NEAR(r.gpu_expert_s, f.decode.gpu_seconds(2), 1e-12);
  EXPECT_EQ(r.pcie_s, 0.0);
}

// Fetch on demand with room for one expert: expert 1 is fetched every iteration (1 ms, the
// GPU waits for it after expert 0's g(2)) and cannot stay (both experts are in use): the
// experts add 1 ms + g(1). With room for two, it stays: the next iteration adds g(2) + g(1).
TEST(ExpertOffloadStage, FetchOnDemandWaitsForTheLinkThenCaches) {
  Fixture f;
  const double g1 = f.decode.gpu_seconds(1), g2 = f.decode.gpu_seconds(2);
  {
    auto s = f.stage(std::make_unique<policy::FetchOnDemand>(), 1);
    for (int it = 0; it < 2; ++it) {
      model::IterationCost cost;
      cost.time_ns = 4'000'000;
      s.add_experts(decode3(), it * 10'000'000, cost);
      EXPECT_NEAR(cost.time_ns, 4e6 + (1e-3 + g1) * 1e9, 1) << it;  // 1 ns: rounding
    }
    EXPECT_EQ(f.rec.its[1].fetched, 1);
    EXPECT_FALSE(s.layers().resident(0, 1));
    EXPECT_NEAR(f.rec.its[1].pcie_s, 1e-3, 1e-15);
  }
  Fixture g;
  auto s = g.stage(std::make_unique<policy::FetchOnDemand>(), 2);
  model::IterationCost first, second;
  first.time_ns = second.time_ns = 4'000'000;
  s.add_experts(decode3(), 0, first);
  s.add_experts(decode3(), 10'000'000, second);
  EXPECT_NEAR(first.time_ns, 4e6 + (1e-3 + g1) * 1e9, 1);
  EXPECT_TRUE(s.layers().resident(0, 1));
  EXPECT_NEAR(second.time_ns, 4e6 + (g2 + g1) * 1e9, 1);
  EXPECT_EQ(g.rec.its[1].hits, 2);
  EXPECT_EQ(g.rec.its[1].fetched, 0);
}

// The host link's timeline is absolute: an iteration that starts while an earlier copy is
// still on the link waits for it. Two iterations 0.5 ms apart (shorter than the iteration, as
// overlapping instances never are, but it isolates the link): the second's fetch queues
// behind the first's and lands 1 ms later than alone.
TEST(ExpertOffloadStage, CopiesQueueOnTheLinkAcrossIterations) {
  Fixture f;
  const double g1 = f.decode.gpu_seconds(1);
  auto s = f.stage(std::make_unique<policy::FetchOnDemand>(), 1);
  model::IterationCost a, b;
  a.time_ns = b.time_ns = 4'000'000;
  s.add_experts(decode3(), 0, a);        // copy on the link from 4 ms to 5 ms
  s.add_experts(decode3(), 500'000, b);  // wants the link at 4.5 ms: gets it at 5 ms
  EXPECT_NEAR(a.time_ns, 4e6 + (1e-3 + g1) * 1e9, 1);
  EXPECT_NEAR(b.time_ns, 4e6 + (1.5e-3 + g1) * 1e9, 1);
}

// A prefill iteration runs its experts at the prefill GEMM efficiency: the same routing costs
// the prefill cost model's GPU time.
TEST(ExpertOffloadStage, PrefillIterationsUseThePrefillCosts) {
  Fixture f;
  auto s = f.stage(std::make_unique<policy::FetchOnDemand>(), 2);
  f.rec.its.clear();
  model::BatchShape b;
  b.prefill_seqs = 1, b.prefill_tokens = 3, b.prefill_attention_pairs = 6;
  model::IterationCost cost;
  cost.time_ns = 4'000'000;
  s.add_experts(b, 0, cost);
  EXPECT_NEAR(f.rec.its[0].gpu_expert_s, f.prefill.gpu_seconds(2) + f.prefill.gpu_seconds(1),
              1e-12);
}

}  // namespace
}  // namespace xpusim::systems
