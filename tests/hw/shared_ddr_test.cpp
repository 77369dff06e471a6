#include "xpusim/hw/shared_ddr.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "hw/flat_preset.hpp"
#include "xpusim/core/error.hpp"

namespace xpusim::hw {
namespace {

constexpr int kCpu = 0, kIgpu = 1, kNpu = 2;
constexpr double kMs = 1e6;

SharedDdr::Factors factors(double npu_by_igpu, double igpu_by_npu) {
  SharedDdr::Factors f{};
  for (auto& row : f) row.fill(1.0);
  f[kNpu][kIgpu] = npu_by_igpu;
  f[kIgpu][kNpu] = igpu_by_npu;
  return f;
}

// A decode stream: `ops` memory-bound operations back to back on one engine; records when each
// finishes.
struct Stream : OpListener {
  SharedDdr& ddr;
  int engine;
  EngineWork work;
  int left;
  std::vector<TimeNs> done;
  Stream(SharedDdr& d, int e, EngineWork w, int ops) : ddr(d), engine(e), work(w), left(ops) {}
  void start() {
    --left;
    ddr.start(engine, work, *this, 0);
  }
  void on_op_done(std::uint64_t, TimeNs now) override {
    done.push_back(now);
    if (left > 0) start();
  }
};

const EngineWork kDecodeStep{.compute_ns = 0, .memory_ns = 10 * kMs, .fixed_ns = 0};

TEST(SharedDdr, OperationAloneTakesItsStandaloneTime) {
  Simulator sim;
  SharedDdr ddr(sim, factors(1.6, 1.25));
  Stream s(ddr, kIgpu, {.compute_ns = 3 * kMs, .memory_ns = 10 * kMs, .fixed_ns = 0.5 * kMs}, 3);
  s.start();
  sim.run();
  EXPECT_EQ(s.done, (std::vector<TimeNs>{10'500'000, 21'000'000, 31'500'000}));
}

// Issue #5 part 2: two concurrent decode streams on NPU and iGPU each run slower than alone, by
// their own configured factors (asymmetric).
TEST(SharedDdr, ConcurrentDecodeStreamsSlowEachOtherByTheirOwnFactors) {
  Simulator sim;
  SharedDdr ddr(sim, factors(1.6, 1.25));
  Stream npu(ddr, kNpu, kDecodeStep, 4), igpu(ddr, kIgpu, kDecodeStep, 4);
  npu.start();
  igpu.start();
  sim.run();
  ASSERT_EQ(igpu.done.size(), 4u);
  ASSERT_EQ(npu.done.size(), 4u);
  // While both run, an iGPU step takes 10 ms x 1.25 and an NPU step 10 ms x 1.6.
  EXPECT_EQ(igpu.done[0], 12'500'000);
  EXPECT_EQ(igpu.done[1], 25'000'000);
  EXPECT_EQ(npu.done[0], 16'000'000);
  EXPECT_EQ(npu.done[1], 32'000'000);
  // The iGPU stream ends at 50 ms. The NPU's fourth step starts at 48 ms, does 2/16 of its work
  // by 50 ms, then runs alone: the remaining 7/8 of 10 ms ends at 58.75 ms.
  EXPECT_EQ(npu.done[2], 48'000'000);
  EXPECT_EQ(igpu.done[3], 50'000'000);
  EXPECT_EQ(npu.done[3], 58'750'000);
  EXPECT_DOUBLE_EQ(ddr.memory_slowdown(kNpu), 1.0);
}

TEST(SharedDdr, ComputeBoundVictimIsNotSlowedUntilItsMemoryTimeDominates) {
  Simulator sim;
  SharedDdr ddr(sim, factors(1.6, 1.25));
  Stream victim(ddr, kNpu, {.compute_ns = 10 * kMs, .memory_ns = 5 * kMs, .fixed_ns = 0}, 1);
  Stream aggressor(ddr, kIgpu, {.compute_ns = 0, .memory_ns = 20 * kMs, .fixed_ns = 0}, 1);
  victim.start();
  aggressor.start();
  sim.run();
  EXPECT_EQ(victim.done[0], 10'000'000);  // memory 5 ms x 1.6 = 8 ms < 10 ms of compute
}

TEST(SharedDdr, SlowdownScalesWithTheAggressorsMemoryPressure) {
  Simulator sim;
  SharedDdr ddr(sim, factors(1.6, 1.0));
  // Aggressor: half its standalone time is memory-bound (pressure 0.5) -> victim x 1.3.
  Stream aggressor(ddr, kIgpu, {.compute_ns = 10 * kMs, .memory_ns = 5 * kMs, .fixed_ns = 0}, 1);
  Stream victim(ddr, kNpu, kDecodeStep, 1);
  aggressor.start();
  victim.start();
  sim.run();
  EXPECT_EQ(aggressor.done[0], 10'000'000);
  // 10 ms at 1/13 ms^-1, then the rest alone: 10 + (1 - 10/13) * 10 ms.
  EXPECT_NEAR(static_cast<double>(victim.done[0]), 10 * kMs + (1.0 - 10.0 / 13.0) * 10 * kMs, 1.0);
}

TEST(SharedDdr, StartingOnABusyEngineIsAnInvariantViolation) {
  Simulator sim;
  SharedDdr ddr(sim, factors(1.6, 1.25));
  Stream s(ddr, kCpu, kDecodeStep, 1);
  s.start();
  EXPECT_THROW(ddr.start(kCpu, kDecodeStep, s, 1), InvariantError);
}

TEST(SocSpec, PresetsLoadWithTheirDataSheetPeaks) {
  const SocSpec lnl = SocSpec::binding().from(testing::read_named_preset("configs/hardware", "intel-core-ultra-7-258v"));
  EXPECT_DOUBLE_EQ(lnl.engine(EngineKind::Npu).peak_int8_ops, 47e12);
  EXPECT_DOUBLE_EQ(lnl.engine(EngineKind::Igpu).peak_int8_ops, 64e12);
  EXPECT_DOUBLE_EQ(lnl.ddr_bw_bytes_per_s, 136.5e9);
  EXPECT_EQ(lnl.engine(EngineKind::Npu).device.kind, "npu");
  EXPECT_FALSE(lnl.engine(EngineKind::Npu).supports(WorkKind::DecodeAttention));
  EXPECT_TRUE(lnl.engine(EngineKind::Igpu).supports(WorkKind::DecodeAttention));
  EXPECT_GT(lnl.slowdown[kNpu][kIgpu], lnl.slowdown[kIgpu][kNpu]);  // asymmetric
  const SocSpec x = SocSpec::binding().from(testing::read_named_preset("configs/hardware", "snapdragon-x-elite"));
  EXPECT_DOUBLE_EQ(x.engine(EngineKind::Npu).peak_int8_ops, 45e12);
  EXPECT_DOUBLE_EQ(x.ddr_bw_bytes_per_s, 135e9);
  // No INT8 path on the Adreno: INT4 weights are multiplied at the FP16 rate.
  EXPECT_DOUBLE_EQ(x.engine(EngineKind::Igpu).peak_ops(DType::Int4), 9.2e12);
}

TEST(SocSpec, RulesSpanningFieldsNameTheKey) {
  auto given = testing::read_named_preset("configs/hardware", "intel-core-ultra-7-258v");
  given["npu_idle_power_w"] = 9.0;
  try {
    SocSpec::binding().from(given);
    FAIL() << "idle above busy power accepted";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "npu_idle_power_w");
  }
  given = testing::read_named_preset("configs/hardware", "intel-core-ultra-7-258v");
  given["igpu_slowdown_by_npu"] = 0.5;
  EXPECT_THROW(resolve_params(SocSpec::binding().schema(), given), ParamError);
}

// Issue 18: the CPU enters the contention model like any engine. A memory-bound 10 ms
// operation on the CPU and one on the iGPU, started together under the preset's factors
// (CPU-by-iGPU 1.4, iGPU-by-CPU 1.2): the iGPU's ends at 12 ms; the CPU has done 12/14 of its
// work by then and finishes the last 1/7 alone, at 12 + 10/7 ms.
TEST(SharedDdr, TheCpuContendsWithTheIgpuByItsOwnPairFactors) {
  Simulator sim;
  SharedDdr::Factors f{};
  for (auto& row : f) row.fill(1.0);
  f[kCpu][kIgpu] = 1.4;
  f[kIgpu][kCpu] = 1.2;
  SharedDdr ddr(sim, f);
  Stream cpu(ddr, kCpu, kDecodeStep, 1), igpu(ddr, kIgpu, kDecodeStep, 1);
  cpu.start();
  igpu.start();
  EXPECT_EQ(ddr.predicted_end(kIgpu), 12'000'000);
  EXPECT_EQ(ddr.predicted_end(kCpu), 14'000'000);  // if the iGPU ran for all of it
  EXPECT_EQ(ddr.predicted_end(kNpu), 0);            // idle: now
  sim.run();
  ASSERT_EQ(igpu.done.size(), 1u);
  ASSERT_EQ(cpu.done.size(), 1u);
  EXPECT_EQ(igpu.done[0], 12'000'000);
  EXPECT_NEAR(static_cast<double>(cpu.done[0]), 12e6 + 10e6 / 7, 1.0);
}

}  // namespace
}  // namespace xpusim::hw
