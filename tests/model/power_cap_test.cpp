// A power cap in the roofline (docs/hardware.md): compute-bound work slows so the draw fits;
// memory-bound work below the cap is untouched.
#include <gtest/gtest.h>

#include "model/presets.hpp"
#include "xpusim/model/roofline_model.hpp"

namespace xpusim::model {
namespace {

RooflineModel on(const hw::DeviceSpec& d) {
  RooflineFactors f;
  f.op_latency_s = 0;  // so every operator is either compute- or memory-bound
  return RooflineModel(testing::load_model("llama-2-7b"), Placement{d, 1, 0, 0}, f);
}

BatchShape prefill(std::int64_t seqs, std::int64_t len) {
  BatchShape b;
  b.prefill_seqs = seqs;
  b.prefill_tokens = seqs * len;
  b.prefill_attention_pairs = double(seqs) * len * (len + 1) / 2.0;
  return b;
}

TEST(PowerCap, ComputeBoundPrefillSlowsByTheActivityRatio) {
  const hw::DeviceSpec free = testing::load_device("h100-sxm");
  hw::DeviceSpec capped = free;
  capped.power_cap_w = 387.5;  // (387.5 - 75) / 625 = 0.5 of the dynamic range
  ASSERT_DOUBLE_EQ(capped.max_activity(), 0.5);
  const BatchShape b = prefill(8, 2048);
  const IterationCost c0 = on(free).estimate(b);
  const IterationCost c1 = on(capped).estimate(b);
  ASSERT_GT(c0.activity, 0.5);  // uncapped prefill draws more than the cap allows
  const double k = c0.activity / 0.5;
  // Only the compute-bound operators stretch, by k: the time grows, by at most k.
  EXPECT_GT(c1.time_ns, c0.time_ns);
  EXPECT_LE(static_cast<double>(c1.time_ns), k * static_cast<double>(c0.time_ns) + 1);
  // Prefill is almost all GEMM and attention: nearly the full factor (within 5%).
  EXPECT_GT(static_cast<double>(c1.time_ns), 0.95 * k * static_cast<double>(c0.time_ns));
  EXPECT_LE(c1.activity, 0.5);
  EXPECT_EQ(c1.flops, c0.flops);  // same work, slower
  // Power stays at or under the cap.
  EXPECT_LE(capped.busy_power_w(c1.activity), 387.5 + 1e-9);
}

TEST(PowerCap, DecodeUnderTheCapIsUntouched) {
  const hw::DeviceSpec free = testing::load_device("h100-sxm");
  hw::DeviceSpec capped = free;
  capped.power_cap_w = 690;  // 0.984 of the range: above what small decode draws
  BatchShape b;
  b.decode_seqs = 4;
  b.decode_context_sum = 4 * 512;
  const IterationCost c0 = on(free).estimate(b);
  const IterationCost c1 = on(capped).estimate(b);
  ASSERT_LT(c0.activity, capped.max_activity());
  EXPECT_EQ(c1.time_ns, c0.time_ns);
  EXPECT_DOUBLE_EQ(c1.activity, c0.activity);
}

}  // namespace
}  // namespace xpusim::model
