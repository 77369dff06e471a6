// Serving's expert-parallel stage: a hand-computed iteration, the attention ranks' share of a
// batch, placements from observed loads and the time their weight copies cost.
#include "xpusim/systems/expert_parallel_stage.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "xpusim/policy/expert_placement/eplb.hpp"
#include "xpusim/policy/expert_placement/static_placement.hpp"

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

// Each layer's tokens x top_k picks split over the experts by fixed weights (exactly, largest
// remainder), so a test knows every load.
class FixedRouting final : public workload::RoutingSource {
 public:
  FixedRouting(int layers, std::vector<std::int64_t> weights)
      : layers_(layers), weights_(std::move(weights)) {}
  int layers() const override { return layers_; }
  int experts() const override { return static_cast<int>(weights_.size()); }
  void next(workload::ExpertLoads& out) override { out.assign(layers_, weights_); }

 private:
  int layers_;
  std::vector<std::int64_t> weights_;
};

struct Recorder final : MoeObserver {
  std::vector<MoeLayerRecord> layers;
  std::vector<MoeStepRecord> steps;
  void on_layer(const MoeLayerRecord& r) override { layers.push_back(r); }
  void on_step(const MoeStepRecord& r) override { steps.push_back(r); }
};

const policy::EpShape kShape{8, 4, 1, 2};  // 8 experts on 4 GPUs of one node, 2 slots each
const EpLinks kLinks{450e9, 2e-6, 50e9, 10e-6};

model::BatchShape decode_batch(std::int64_t seqs) {
  model::BatchShape b;
  b.decode_seqs = seqs;
  b.decode_context_sum = seqs * 100;
  return b;
}

// Uniform routing under the round-robin layout: 64 decode tokens x 2 picks = 16 tokens per
// expert, 32 per GPU. Per MoE layer: dispatch and combine each move, into every GPU, 3/4 of its
// 32 tokens (8 from each other GPU) of 1024 x 2 bytes over NVLink, plus its latency; the experts
// are one GEMM group per GPU at the decode efficiency (0.49 of peak; 0.77 of the bandwidth,
// reading 2 experts' 3 x 1024 x 2048 weights and 4 activations per token) plus a kernel's 3.5 us.
TEST(ExpertParallelStage, UniformRoutingMatchesTheHandComputedTime) {
  const MoeCostModel cost(small_moe(), gpu(), kShape, kLinks, false, 1);
  Recorder rec;
  ExpertParallelStage stage({2, 0, 0.5, false}, cost,
                            std::make_unique<FixedRouting>(4, std::vector<std::int64_t>(8, 1)),
                            std::make_unique<policy::StaticPlacement>(), rec);
  model::IterationCost c;
  c.time_ns = 1000;
  stage.add_experts(decode_batch(64), 0, c);

  const double hidden_bytes = 1024 * 2.0;
  const double a2a = 24 * hidden_bytes / 450e9 + 2e-6;
  const double flops = 32 * 2.0 * (3.0 * 1024 * 2048);
  const double bytes = 2 * (3.0 * 1024 * 2048 * 2) + 32 * 4 * hidden_bytes;
  const double expert = std::max(flops / (1e15 * 0.49), bytes / (3e12 * 0.77)) + 3.5e-6;
  const double layer = 2 * a2a + expert;
  EXPECT_NEAR(static_cast<double>(c.time_ns - 1000), 4 * layer * 1e9, 1.0);
  ASSERT_EQ(rec.layers.size(), 4u);
  for (const auto& r : rec.layers) {
    EXPECT_DOUBLE_EQ(r.max_gpu_tokens, 32);  // imbalance 1
    EXPECT_DOUBLE_EQ(r.mean_gpu_tokens, 32);
    EXPECT_NEAR(static_cast<double>(r.all_to_all_ns), 2 * a2a * 1e9, 1.0);
  }
  ASSERT_EQ(rec.steps.size(), 1u);
  EXPECT_EQ(rec.steps[0].time_ns, c.time_ns);
  EXPECT_FALSE(rec.steps[0].placed);
}

// Attention is data-parallel with whole sequences per rank: of 65 decode sequences the busiest
// of 4 ranks holds 17 (and 17/65 of their context); of 2 prefill sequences one, with half the
// tokens and pairs; a single prompt stays whole on one rank.
TEST(ExpertParallelStage, RankShapeIsTheBusiestRanksShare) {
  const MoeCostModel cost(small_moe(), gpu(), kShape, kLinks, false, 1);
  Recorder rec;
  ExpertParallelStage stage({2, 0, 0.5, false}, cost,
                            std::make_unique<FixedRouting>(4, std::vector<std::int64_t>(8, 1)),
                            std::make_unique<policy::StaticPlacement>(), rec);
  model::BatchShape b = decode_batch(65);
  b.prefill_seqs = 2, b.prefill_tokens = 1001, b.prefill_attention_pairs = 800;
  b.prefill_cached_sum = 99;
  const model::BatchShape r = stage.rank_shape(b);
  EXPECT_EQ(r.decode_seqs, 17);
  EXPECT_EQ(r.decode_context_sum, 1700);  // 6500 x 17 / 65
  EXPECT_EQ(r.prefill_seqs, 1);
  EXPECT_EQ(r.prefill_tokens, 501);  // ceil(1001 / 2)
  EXPECT_EQ(r.prefill_cached_sum, 50);
  EXPECT_DOUBLE_EQ(r.prefill_attention_pairs, 400);
  model::BatchShape one;
  one.prefill_seqs = 1, one.prefill_tokens = 8192, one.prefill_attention_pairs = 3e7;
  const model::BatchShape whole = stage.rank_shape(one);
  EXPECT_EQ(whole.prefill_tokens, 8192);
  EXPECT_DOUBLE_EQ(whole.prefill_attention_pairs, 3e7);
}

// One hot expert: under round robin its GPU computes far more than the mean. After
// `rebalance_every` iterations EPLB places from the observed loads (the hot expert replicated
// into spare slots) and the imbalance falls. The copies cost at least one expert's weights at
// NVLink speed; not overlapped the iteration waits for all of them, overlapped it lasts as long
// as the longer of itself and the copies (here the copies).
TEST(ExpertParallelStage, EplbRebalancesFromObservedLoadsAndPaysForTheCopies) {
  const policy::EpShape shape{8, 4, 1, 3};  // 4 spare slots
  const MoeCostModel cost(small_moe(), gpu(), shape, kLinks, false, 1);
  const std::vector<std::int64_t> skewed{16, 1, 1, 1, 1, 1, 1, 1};
  std::vector<MoeStepRecord> placed;
  for (const bool overlap : {false, true}) {
    Recorder rec;
    ExpertParallelStage stage({2, 2, 0.5, overlap}, cost, std::make_unique<FixedRouting>(4, skewed),
                              std::make_unique<policy::EplbPlacement>(policy::EplbConfig{}), rec);
    for (int i = 0; i < 3; ++i) {
      model::IterationCost c;
      c.time_ns = 1000;
      stage.add_experts(decode_batch(230), 0, c);
    }
    ASSERT_EQ(rec.steps.size(), 3u);
    EXPECT_FALSE(rec.steps[1].placed);
    EXPECT_TRUE(rec.steps[2].placed);
    EXPECT_GT(rec.steps[2].weight_move_bytes, 0);
    const auto imbalance = [&](int step) {
      const auto& r = rec.layers[static_cast<std::size_t>(step) * 4];
      return r.max_gpu_tokens / r.mean_gpu_tokens;
    };
    EXPECT_GT(imbalance(0), 2.0);
    EXPECT_LT(imbalance(2), imbalance(0) * 0.7);
    placed.push_back(rec.steps[2]);
  }
  const MoeStepRecord& exposed = placed[0];
  const MoeStepRecord& hidden = placed[1];
  EXPECT_GE(static_cast<double>(exposed.weight_move_ns), cost.expert_bytes() / 450e9 * 1e9);
  EXPECT_EQ(exposed.weight_move_bytes, hidden.weight_move_bytes);
  EXPECT_LT(hidden.weight_move_ns, exposed.weight_move_ns);
  EXPECT_NEAR(static_cast<double>(hidden.time_ns), static_cast<double>(exposed.weight_move_ns),
              2.0);
}

}  // namespace
}  // namespace xpusim::systems
