#include "xpusim/model/roofline_model.hpp"

#include <gtest/gtest.h>

#include "model/presets.hpp"
#include "xpusim/core/error.hpp"

namespace xpusim::model {
namespace {

using testing::load_device;
using testing::load_model;

RooflineModel make(const std::string& model, const std::string& device, int tp = 1,
                   RooflineFactors f = {}) {
  return RooflineModel(load_model(model), Placement{load_device(device), tp, 0, 0}, f);
}

BatchShape decode(std::int64_t seqs, std::int64_t context_sum) {
  BatchShape b;
  b.decode_seqs = seqs;
  b.decode_context_sum = context_sum;
  return b;
}

// `seqs` fresh prompts of `len` tokens each (no cached prefix).
BatchShape prefill(std::int64_t seqs, std::int64_t len) {
  BatchShape b;
  b.prefill_seqs = seqs;
  b.prefill_tokens = seqs * len;
  b.prefill_attention_pairs = double(seqs) * len * (len + 1) / 2.0;
  return b;
}

double gemm_seconds(const RooflineModel& m, const BatchShape& b) {
  OpWorks w;
  m.costs().layer(LayerTokens::of(b, true), false, w);
  double s = 0;
  for (Op op : {Op::Qkv, Op::OutProj, Op::UpGate, Op::Down})
    s += m.op_seconds(op, w[static_cast<int>(op)], b.prefill_tokens > 0);
  return s;
}

TEST(Roofline, EmptyBatchCostsNothing) {
  const IterationCost c = make("llama-2-7b", "h100-sxm").estimate(BatchShape{});
  EXPECT_EQ(c.time_ns, 0);
  EXPECT_EQ(c.flops, 0);
}

TEST(Roofline, SingleTokenDecodeIsWeightBandwidthBound) {
  const auto m = make("llama-2-7b", "h100-sxm");
  const IterationCost c = m.estimate(decode(1, 0));
  const auto& f = m.factors();
  // Lower bound: every weight read once at the achieved bandwidth; the rest is kernel latency
  // (at most ~15 kernels per layer) and activations (< 1% at one token).
  const double weights_s =
      load_model("llama-2-7b").total_params() * 2 / (3.35e12 * f.memory_efficiency);
  const double latency_s = 15 * 32 * f.op_latency_s;
  EXPECT_GT(ns_to_seconds(c.time_ns), weights_s * 0.99);  // minus the unread embedding rows
  EXPECT_LT(ns_to_seconds(c.time_ns), weights_s + latency_s);
  EXPECT_GT(c.activity, 0.5 * f.memory_efficiency);  // memory-bound: high memory utilisation
  EXPECT_LE(c.activity, 1.0);
}

TEST(Roofline, DecodeTimeGrowsWithContextAtKvReadRate) {
  const auto m = make("llama-2-7b", "h100-sxm");
  const TimeNs t0 = m.estimate(decode(32, 32 * 1000)).time_ns;
  const TimeNs t1 = m.estimate(decode(32, 32 * 2000)).time_ns;
  const TimeNs t2 = m.estimate(decode(32, 32 * 4000)).time_ns;
  EXPECT_LT(t0, t1);
  EXPECT_LT(t1, t2);
  // Decode attention is memory-bound: 32 * 2000 extra tokens of KV per layer read at the
  // achieved bandwidth. 1 ns of rounding per estimate is the only slack needed.
  const double kv = load_model("llama-2-7b").kv_bytes_per_token();
  const double expected_ns = 32 * 2000 * kv / (3.35e12 * m.factors().memory_efficiency) * 1e9;
  EXPECT_NEAR(double(t2 - t1), expected_ns, 2.0);
}

TEST(Roofline, PrefillTimeIsNearlyLinearInTokensAtLargeCounts) {
  const auto m = make("llama-2-7b", "h100-sxm");
  // Prompts of 512 tokens: attention pairs grow linearly with the number of prompts, GEMMs are
  // compute-bound; only the fixed per-kernel latency and weight reads break proportionality.
  const double t8 = double(m.estimate(prefill(8, 512)).time_ns);
  const double t16 = double(m.estimate(prefill(16, 512)).time_ns);
  EXPECT_NEAR(t16 / t8, 2.0, 0.05);
  // One long prompt grows faster than linearly: causal attention is quadratic.
  const double l4k = double(m.estimate(prefill(1, 4096)).time_ns);
  const double l16k = double(m.estimate(prefill(1, 16384)).time_ns);
  EXPECT_GT(l16k / l4k, 4.2);
}

TEST(Roofline, TensorParallelHalvesGemmsAndAddsAllReduce) {
  const auto tp1 = make("llama-2-70b", "h100-sxm", 1);
  const auto tp2 = make("llama-2-70b", "h100-sxm", 2);
  const BatchShape b = prefill(2, 2048);
  // Compute-bound GEMMs split evenly; the 4 kernel latencies do not split (< 1% here).
  EXPECT_NEAR(gemm_seconds(tp2, b) / gemm_seconds(tp1, b), 0.5, 0.01);
  const IterationCost c1 = tp1.estimate(b), c2 = tp2.estimate(b);
  EXPECT_EQ(c1.comm_ns, 0.0);
  // 2 all-reduces per layer + 1 for the vocabulary-parallel embedding, of tokens * hidden * 2 B.
  const double per = tp2.allreduce_seconds(4096.0 * 8192 * 2);
  EXPECT_NEAR(c2.comm_ns, (2 * 80 + 1) * per * 1e9, 1e-3);
  EXPECT_LT(c2.time_ns, c1.time_ns);
  EXPECT_NEAR(c2.flops / c1.flops, 0.5, 0.01);  // per device
}

TEST(Roofline, RingAllReduceFormula) {
  RooflineFactors f;
  f.comm_efficiency = 0.5;
  hw::DeviceSpec d = load_device("h100-sxm");
  const RooflineModel m(load_model("llama-2-7b"), Placement{d, 4, 100e9, 1e-5}, f);
  // 2 * 3/4 * 1 MB / (100 GB/s * 0.5) + 10 us = 30 us + 10 us.
  EXPECT_NEAR(m.allreduce_seconds(1e6), 40e-6, 1e-12);
  EXPECT_EQ(make("llama-2-7b", "h100-sxm", 1).allreduce_seconds(1e6), 0.0);
}

TEST(Roofline, DeviceAllReduceLatencyIsTheDefaultFloor) {
  RooflineFactors f;
  f.comm_efficiency = 0.5;
  hw::DeviceSpec d = load_device("h100-sxm");
  d.allreduce_latency_s = 24e-6;
  // No scenario latency: 2 * 1/2 * 1 MB / (100 GB/s * 0.5) + the device's 24 us = 20 + 24 us.
  const RooflineModel dflt(load_model("llama-2-7b"), Placement{d, 2, 100e9, 0}, f);
  EXPECT_NEAR(dflt.allreduce_seconds(1e6), 44e-6, 1e-12);
  // A scenario latency replaces it: 20 + 5 us.
  const RooflineModel given(load_model("llama-2-7b"), Placement{d, 2, 100e9, 5e-6}, f);
  EXPECT_NEAR(given.allreduce_seconds(1e6), 25e-6, 1e-12);
  // The RTX PRO 6000 preset carries its measured floor (configs/hardware/rtx-pro-6000.yaml).
  EXPECT_NEAR(load_device("rtx-pro-6000").allreduce_latency_s, 24e-6, 1e-12);
}

TEST(Roofline, PlacementErrors) {
  // 32 heads over 3 devices, and TP without any link.
  EXPECT_THROW(make("llama-2-7b", "h100-sxm", 3), Error);
  hw::DeviceSpec d = load_device("l4");
  d.pcie_bw_bytes_per_s = 0;
  EXPECT_THROW(RooflineModel(load_model("llama-2-7b"), Placement{d, 2, 0, 0}, {}), Error);
}

TEST(Roofline, DistinctExpertFormulaLimits) {
  EXPECT_DOUBLE_EQ(expected_distinct_experts(8, 2, 0), 0.0);
  EXPECT_NEAR(expected_distinct_experts(8, 2, 1), 2.0, 1e-12);  // T = 1 -> k
  EXPECT_NEAR(expected_distinct_experts(128, 8, 1), 8.0, 1e-12);
  EXPECT_NEAR(expected_distinct_experts(128, 8, 1e5), 128.0, 1e-9);  // T large -> E
  EXPECT_DOUBLE_EQ(expected_distinct_experts(8, 8, 3), 8.0);         // k = E: all, always
  // Two tokens: E (1 - (1 - k/E)^2) = 8 (1 - 0.5625) = 3.5.
  EXPECT_NEAR(expected_distinct_experts(8, 2, 2), 3.5, 1e-12);
}

TEST(Roofline, MoeDecodeReadsOnlyTouchedExperts) {
  const auto m = make("mixtral-8x7b", "h100-sxm");
  const ModelSpec spec = load_model("mixtral-8x7b");
  // One token reads the active weights; with 64 tokens nearly all 8 experts are touched.
  const double one = m.estimate(decode(1, 0)).bytes;
  EXPECT_NEAR(one / (spec.active_params() * 2), 1.0, 0.02);  // + activations, KV: < 2%
  const double many = m.estimate(decode(64, 0)).bytes;
  EXPECT_NEAR(many / (spec.total_params() * 2), 1.0, 0.03);
}

TEST(Roofline, MlaLatentCacheIsReplicatedAcrossTensorParallel) {
  const auto tp1 = make("deepseek-v2-lite", "h100-sxm", 1);
  const auto tp2 = make("deepseek-v2-lite", "h100-sxm", 2);
  OpWorks w1, w2;
  const auto t = LayerTokens::of(decode(16, 16 * 4096), true);
  tp1.costs().layer(t, true, w1);
  tp2.costs().layer(t, true, w2);
  const auto attn = static_cast<int>(Op::DecodeAttention);
  // KV reads are the latent on every device (equal); the per-head FLOPs split.
  EXPECT_NEAR(w2[attn].bytes / w1[attn].bytes, 1.0, 0.01);
  EXPECT_NEAR(w2[attn].flops / w1[attn].flops, 0.5, 1e-12);
}

TEST(Roofline, LayeredPrefillRunsPrefillThroughAFractionOfLayers) {
  const auto m = make("llama-2-7b", "h100-sxm");
  BatchShape b = prefill(1, 2048);
  b.decode_seqs = 16;
  b.decode_context_sum = 16 * 1000;
  const TimeNs full = m.estimate(b).time_ns;
  b.prefill_layer_fraction = 0.25;
  const TimeNs quarter = m.estimate(b).time_ns;
  const TimeNs decode_only = m.estimate(decode(16, 16 * 1000)).time_ns;
  EXPECT_LT(quarter, full);
  EXPECT_GT(quarter, decode_only);
  // The layer part is linear in the fraction; the LM head and rounding are the slack.
  const double interp = decode_only + 0.25 * double(full - decode_only);
  EXPECT_NEAR(double(quarter) / interp, 1.0, 0.02);
}

TEST(Roofline, SchemaDefaultsAreTheStructDefaults) {
  const RooflineFactors f = roofline_binding().from({});
  const RooflineFactors d;
  EXPECT_EQ(f.prefill_mfu, d.prefill_mfu);
  EXPECT_EQ(f.decode_mfu, d.decode_mfu);
  EXPECT_EQ(f.memory_efficiency, d.memory_efficiency);
  EXPECT_EQ(f.op_latency_s, d.op_latency_s);
  EXPECT_THROW(roofline_binding().from({{"prefill_mfu", 1.5}}), ParamError);
}

}  // namespace
}  // namespace xpusim::model
