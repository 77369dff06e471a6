// A locked SM clock in the roofline (docs/hardware.md, "Locked clock"): compute peaks scale by
// the clock ratio r, memory bandwidth does not, and the dynamic range drawn scales by
// r x V(r)^2 with V on a straight line from the floor (0.5) to 1.
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

hw::DeviceSpec h100_at(double mhz) {
  hw::DeviceSpec d = testing::load_device("h100-sxm");
  d.sm_clock_mhz = mhz;
  return d;
}

TEST(LockedClock, HalfClockGivesHalfThePeakAndAFractionOfThePower) {
  const hw::DeviceSpec d = h100_at(915);  // boost 1830 MHz
  EXPECT_DOUBLE_EQ(d.clock_ratio(), 0.5);
  // r V^2 = 0.5 x (0.5 + 0.5 x 0.5)^2 = 0.28125; at full activity 75 + 625 x 0.28125 W.
  EXPECT_DOUBLE_EQ(d.clock_power_fraction(), 0.28125);
  EXPECT_DOUBLE_EQ(d.busy_power_w(d.clock_power_fraction()), 250.78125);
  EXPECT_EQ(testing::load_device("h100-sxm").clock_power_fraction(), 1.0);
}

TEST(LockedClock, PrefillTakesTheTimeOfAGpuWithHalfThePeaks) {
  BatchShape b;
  b.prefill_seqs = 8;
  b.prefill_tokens = 8 * 2048;
  b.prefill_attention_pairs = 8 * 2048.0 * 2049 / 2;
  hw::DeviceSpec half_peaks = testing::load_device("h100-sxm");
  half_peaks.peak_bf16_flops /= 2;
  half_peaks.peak_fp8_flops /= 2;
  half_peaks.peak_int8_ops /= 2;
  half_peaks.peak_fp32_flops /= 2;
  const IterationCost locked = on(h100_at(915)).estimate(b);
  const IterationCost reference = on(half_peaks).estimate(b);
  const IterationCost boost = on(testing::load_device("h100-sxm")).estimate(b);
  EXPECT_NEAR(double(locked.time_ns), double(reference.time_ns), 1.0);
  EXPECT_GT(double(locked.time_ns), 1.8 * double(boost.time_ns));  // GEMM-bound: ~1.9x
  // Same utilisation of what the clock leaves, at 0.28125 of the dynamic range.
  EXPECT_NEAR(locked.activity, 0.28125 * reference.activity, 1e-12);
}

TEST(LockedClock, MemoryBoundDecodeKeepsItsTimeAndDrawsLess) {
  BatchShape b;
  b.decode_seqs = 4;
  b.decode_context_sum = 4 * 512;
  const IterationCost locked = on(h100_at(915)).estimate(b);
  const IterationCost boost = on(testing::load_device("h100-sxm")).estimate(b);
  EXPECT_EQ(locked.time_ns, boost.time_ns);  // HBM is not clocked down
  EXPECT_NEAR(locked.activity, 0.28125 * boost.activity, 1e-12);
  // Power at the iteration's activity: 75 + 625 x 0.28125 x a.
  const hw::DeviceSpec d = h100_at(915);
  EXPECT_NEAR(d.busy_power_w(locked.activity), 75 + 625 * 0.28125 * boost.activity, 1e-9);
}

}  // namespace
}  // namespace xpusim::model
