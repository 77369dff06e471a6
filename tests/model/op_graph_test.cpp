#include "xpusim/model/op_graph.hpp"

#include <gtest/gtest.h>

#include "model/presets.hpp"
#include "xpusim/model/operator_costs.hpp"

namespace xpusim::model {
namespace {

hw::SocSpec lunar_lake() {
  return hw::SocSpec::binding().from(testing::read_named_preset("configs/hardware", "intel-core-ultra-7-258v"));
}

BatchShape decode(int seqs, int context) {
  BatchShape b;
  b.decode_seqs = seqs;
  b.decode_context_sum = static_cast<std::int64_t>(seqs) * context;
  return b;
}

BatchShape prefill(int tokens, int cached) {
  BatchShape b;
  b.prefill_seqs = 1;
  b.prefill_tokens = tokens;
  b.prefill_attention_pairs = double(tokens) * cached + double(tokens) * (tokens + 1) / 2;
  b.prefill_cached_sum = cached;
  return b;
}

TEST(OpGraph, TwoGroupsPerLayerThenTheHeadInDependencyOrder) {
  const ModelSpec m = testing::load_model("llama-3-8b");
  const OpGraph g = OpGraph::iteration(m, decode(1, 100));
  ASSERT_EQ(g.order().size(), 2u * 32 + 1);
  EXPECT_EQ(boost::num_edges(g.graph()), g.order().size() - 1);
  EXPECT_EQ(g.order()[0].kind, hw::WorkKind::DecodeAttention);
  EXPECT_EQ(g.order()[0].layer, 0);
  EXPECT_EQ(g.order()[1].kind, hw::WorkKind::Dense);
  EXPECT_EQ(g.order()[63].layer, 31);
  EXPECT_EQ(g.order().back().layer, -1);
  const OpGraph p = OpGraph::iteration(m, prefill(256, 512));
  EXPECT_EQ(p.order()[0].kind, hw::WorkKind::PrefillAttention);
}

TEST(OpGraph, GroupsAddUpToTheOperatorCosts) {
  const ModelSpec m = testing::load_model("llama-3-8b");
  const BatchShape b = prefill(128, 64);
  const OperatorCosts costs(m, 1);
  OpWorks layer{}, head{};
  costs.layer(LayerTokens::of(b, true), false, layer);
  costs.head(b, head);
  double flops = 0, bytes = 0;
  for (const auto& w : layer) flops += w.flops * m.num_layers, bytes += w.bytes * m.num_layers;
  for (const auto& w : head) flops += w.flops, bytes += w.bytes;
  double gflops = 0, gbytes = 0;
  const OpGraph graph = OpGraph::iteration(m, b);
  for (const OpGroup& g : graph.order())
    gflops += g.gemm_flops + g.attention_flops, gbytes += g.bytes;
  EXPECT_NEAR(gflops, flops, 1e-9 * flops);
  EXPECT_NEAR(gbytes, bytes, 1e-9 * bytes);
}

TEST(OpGraph, EngineWorkFollowsAffinityAndSupport) {
  const hw::SocSpec soc = lunar_lake();
  ModelSpec m = testing::load_model("llama-3-8b");
  m.dtype = hw::DType::Int4;
  const OpGraph d = OpGraph::iteration(m, decode(1, 1000));
  // Decode attention has a dynamic shape: the NPU cannot run it, the iGPU can.
  EXPECT_FALSE(engine_work(soc, hw::EngineKind::Npu, d.order()[0], m.dtype).has_value());
  const auto attn = engine_work(soc, hw::EngineKind::Igpu, d.order()[0], m.dtype);
  ASSERT_TRUE(attn.has_value());
  // A decode FFN group is memory-bound on the iGPU: its weights at 75% of 136.5 GB/s.
  const OpGroup& ffn = d.order()[1];
  const auto w = *engine_work(soc, hw::EngineKind::Igpu, ffn, m.dtype);
  EXPECT_NEAR(w.memory_ns, ffn.bytes / (136.5e9 * 0.75) * 1e9, 1e-6);
  EXPECT_GT(w.memory_ns, w.compute_ns);
  EXPECT_DOUBLE_EQ(w.fixed_ns, 20'000.0);
  // A prefill FFN group is compute-bound, and faster on the NPU (affinity for static GEMMs).
  const OpGraph p = OpGraph::iteration(m, prefill(256, 0));
  const OpGroup& pffn = p.order()[1];
  const auto npu = *engine_work(soc, hw::EngineKind::Npu, pffn, m.dtype);
  const auto igpu = *engine_work(soc, hw::EngineKind::Igpu, pffn, m.dtype);
  EXPECT_GT(npu.compute_ns, npu.memory_ns);
  EXPECT_LT(npu.compute_ns, igpu.compute_ns);
  EXPECT_NEAR(npu.compute_ns, pffn.gemm_flops / (47e12 * 0.55) * 1e9, 1e-6);
  // A share of a group (tensor partitioning) scales compute and memory, not the dispatch cost.
  const auto half = *engine_work(soc, hw::EngineKind::Npu, pffn, m.dtype, 0.5);
  EXPECT_NEAR(half.compute_ns, npu.compute_ns / 2, 1e-6);
  EXPECT_NEAR(half.memory_ns, npu.memory_ns / 2, 1e-6);
  EXPECT_DOUBLE_EQ(half.fixed_ns, npu.fixed_ns);
}

// Issue 18: the CPU as a schedulable engine, timed by the preset's CPU figures: INT4 weights
// multiply at its 5 INT8 TOP/s x 0.5 dense efficiency, bytes stream at 60% of 136.5 GB/s, plus
// 5 us per group.
TEST(OpGraph, CpuTimesAGroupFromThePresetsCpuFigures) {
  const hw::SocSpec soc = lunar_lake();
  ModelSpec m = testing::load_model("llama-3-8b");
  m.dtype = hw::DType::Int4;
  const OpGroup g{hw::WorkKind::Dense, 0, 1e9, 0, 1e8};  // 1 GFLOP, 100 MB
  const auto w = *engine_work(soc, hw::EngineKind::Cpu, g, m.dtype);
  EXPECT_NEAR(w.compute_ns, 1e9 / (5e12 * 0.5) * 1e9, 1e-6);   // 0.4 ms
  EXPECT_NEAR(w.memory_ns, 1e8 / (136.5e9 * 0.6) * 1e9, 1e-6);  // 1.221 ms
  EXPECT_DOUBLE_EQ(w.fixed_ns, 5'000.0);
  EXPECT_NEAR(w.standalone_ns(), 5'000.0 + 1e8 / (136.5e9 * 0.6) * 1e9, 1e-6);
  // Decode attention over the KV cache: the CPU runs it (0.3 of its peak), unlike the NPU.
  const OpGraph d = OpGraph::iteration(m, decode(1, 1000));
  EXPECT_TRUE(engine_work(soc, hw::EngineKind::Cpu, d.order()[0], m.dtype).has_value());
  // A one-flow decode FFN group is memory-bound on the CPU too, 0.75 / 0.6 = 1.25x the iGPU's
  // memory time.
  const OpGroup& ffn = d.order()[1];
  const auto cpu = *engine_work(soc, hw::EngineKind::Cpu, ffn, m.dtype);
  const auto igpu = *engine_work(soc, hw::EngineKind::Igpu, ffn, m.dtype);
  EXPECT_GT(cpu.memory_ns, cpu.compute_ns);
  EXPECT_NEAR(cpu.memory_ns / igpu.memory_ns, 0.75 / 0.6, 1e-12);
}

}  // namespace
}  // namespace xpusim::model
