// Two-batch overlap: a layer's time with and without it (max against sum), the split of a rank's
// batch into two micro-batches, and a hand-computed iteration of the expert-parallel stage.
#include "xpusim/systems/two_batch_overlap.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "xpusim/policy/expert_placement/static_placement.hpp"
#include "xpusim/systems/expert_parallel_stage.hpp"

namespace xpusim::systems {
namespace {

// Without overlap a layer is the sum of its parts; with it, the longer stream or chain.
// Whole batch: attention 1.0 ms + experts 2.0 ms, all-to-all 1.5 ms each way: 1 + 2 + 3 = 6 ms.
// Halves: attention 0.6 + experts 1.1 = 1.7 ms of compute, 0.8 ms each way = 1.6 ms of
// communication each: the compute stream is the longer, 2 x 1.7 = 3.4 ms (not 2 x 3.3 summed).
TEST(TwoBatchOverlap, LayerIsTheLongestStreamOrChainNotTheSum) {
  EXPECT_DOUBLE_EQ(sequential_layer_seconds({1.0e-3 + 2.0e-3, 3.0e-3}), 6.0e-3);
  const LayerPass half{0.6e-3 + 1.1e-3, 1.6e-3};
  EXPECT_DOUBLE_EQ(overlapped_layer_seconds(half, half), 3.4e-3);
  // Communication-bound halves (0.5 ms compute, 2 ms all-to-all): the link stream, 4 ms.
  EXPECT_DOUBLE_EQ(overlapped_layer_seconds({0.5e-3, 2e-3}, {0.5e-3, 2e-3}), 4e-3);
  // Unequal halves: a's own chain (3 + 1 = 4 ms) outlasts both streams (3.5, 1.5 ms).
  EXPECT_DOUBLE_EQ(overlapped_layer_seconds({3e-3, 1e-3}, {0.5e-3, 0.5e-3}), 4e-3);
  // Nothing to overlap with: a's compute and communication in turn, the sequential time.
  EXPECT_DOUBLE_EQ(overlapped_layer_seconds({3e-3, 1e-3}, {}), sequential_layer_seconds({3e-3, 1e-3}));
}

// Whole sequences per micro-batch: 17 decode sequences split 9 + 8 with 9/17 of the context
// rounded up; 3 prompts 2 + 1 with their tokens, cached tokens and pairs in proportion; one
// sequence leaves the second micro-batch empty.
TEST(TwoBatchOverlap, SplitsWholeSequences) {
  model::BatchShape r;
  r.decode_seqs = 17, r.decode_context_sum = 1700;
  r.prefill_seqs = 3, r.prefill_tokens = 300, r.prefill_cached_sum = 30;
  r.prefill_attention_pairs = 900;
  const MicroBatches m = split_micro_batches(r);
  EXPECT_EQ(m.first.decode_seqs, 9);
  EXPECT_EQ(m.second.decode_seqs, 8);
  EXPECT_EQ(m.first.decode_context_sum, 900);
  EXPECT_EQ(m.second.decode_context_sum, 800);
  EXPECT_EQ(m.first.prefill_seqs, 2);
  EXPECT_EQ(m.first.prefill_tokens, 200);
  EXPECT_EQ(m.second.prefill_tokens, 100);
  EXPECT_EQ(m.second.prefill_cached_sum, 10);
  EXPECT_DOUBLE_EQ(m.first.prefill_attention_pairs + m.second.prefill_attention_pairs, 900);
  model::BatchShape one;
  one.decode_seqs = 1, one.decode_context_sum = 50;
  EXPECT_TRUE(split_micro_batches(one).second.empty());
  EXPECT_EQ(split_micro_batches(one).first.decode_context_sum, 50);
}

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

// Every expert gets the same share of a layer's picks.
class UniformRouting final : public workload::RoutingSource {
 public:
  int layers() const override { return 4; }
  int experts() const override { return 8; }
  void next(workload::ExpertLoads& out) override { out.assign(4, std::vector<std::int64_t>(8, 1)); }
};

// Base time (attention etc.) of 1000 ns + 100 ns per decode sequence.
class LinearExec final : public model::ExecutionModel {
 public:
  model::IterationCost estimate(const model::BatchShape& b) const override {
    model::IterationCost c;
    c.time_ns = 1000 + 100 * b.decode_seqs;
    return c;
  }
  std::string name() const override { return "linear"; }
};

struct NoRecords final : MoeObserver {
  void on_layer(const MoeLayerRecord&) override {}
  void on_step(const MoeStepRecord&) override {}
};

// 64 decode sequences on 4 GPUs: 16 per attention rank, split 8 + 8. Per micro-batch and MoE
// layer (all 4 layers MoE): attention 1800 ns / 4 layers = 450 ns; 32 tokens x 2 picks = 8 per
// expert, 16 per GPU; the all-to-all moves 3/4 of a GPU's 16 tokens of 2 KiB over NVLink plus
// 2 us; the experts read 2 experts' weights (memory-bound). Without overlap: 2600 ns + 4 layers
// of (2 all-to-alls + experts) at 32 tokens per GPU. With it: 4 layers of 2 max(compute, comm).
TEST(TwoBatchOverlap, StageIterationMatchesTheHandComputedComposition) {
  const policy::EpShape shape{8, 4, 1, 2};
  const MoeCostModel cost(small_moe(), gpu(), shape, {450e9, 2e-6, 50e9, 10e-6}, false, 1);
  const LinearExec exec;
  NoRecords rec;
  model::BatchShape batch;
  batch.decode_seqs = 64, batch.decode_context_sum = 6400;
  auto run = [&](bool overlap) {
    ExpertParallelStage stage({2, 0, 0.5, false, overlap, 4}, cost,
                              std::make_unique<UniformRouting>(),
                              std::make_unique<policy::StaticPlacement>(), rec);
    return static_cast<double>(stage.estimate(exec, batch, 0).time_ns) * 1e-9;
  };
  const double hidden_bytes = 1024 * 2.0;
  const auto a2a = [&](double gpu_tokens) { return 0.75 * gpu_tokens * hidden_bytes / 450e9 + 2e-6; };
  const auto experts = [&](double gpu_tokens) {
    const double flops = gpu_tokens * 2.0 * (3.0 * 1024 * 2048);
    const double bytes = 2 * (3.0 * 1024 * 2048 * 2) + gpu_tokens * 4 * hidden_bytes;
    return std::max(flops / (1e15 * 0.49), bytes / (3e12 * 0.77)) + 3.5e-6;
  };
  const double sequential = 2600e-9 + 4 * (2 * a2a(32) + experts(32));
  const double c = 450e-9 + experts(16), m = 2 * a2a(16);
  const double overlapped = 4 * 2 * std::max(c, m);
  EXPECT_NEAR(run(false), sequential, 2e-9);
  EXPECT_NEAR(run(true), overlapped, 2e-9);
  // Here the experts' weight reads dominate: each micro-batch reads them again, so the overlap
  // costs more than it hides (the reason it is a choice, off by default).
  EXPECT_GT(overlapped, sequential);
}

}  // namespace
}  // namespace xpusim::systems
