// EngineOverheadModel: CPU time per iteration around a GPU time, with overlap, on hand-computed
// cases; the shipped presets load and are ordered as their sources say.
#include "xpusim/model/engine_overhead_model.hpp"

#include <gtest/gtest.h>

namespace xpusim::model {
namespace {

// A GPU that takes a fixed time for any non-empty batch.
class FixedGpu final : public ExecutionModel {
 public:
  explicit FixedGpu(TimeNs t) : t_(t) {}
  IterationCost estimate(const BatchShape& b) const override {
    IterationCost c;
    if (b.empty()) return c;
    c.time_ns = t_;
    c.flops = 1e12;
    c.activity = 0.6;
    return c;
  }
  std::string name() const override { return "fixed"; }

 private:
  TimeNs t_;
};

BatchShape batch(std::int64_t decode, std::int64_t prefill_seqs) {
  BatchShape b;
  b.decode_seqs = decode;
  b.decode_context_sum = decode * 100;
  b.prefill_seqs = prefill_seqs;
  b.prefill_tokens = prefill_seqs * 10;
  return b;
}

EngineOverhead engine(double fixed_us, double seq_us, double tok_us, double overlap,
                      double scale = 1) {
  EngineOverhead e;
  e.fixed_s = fixed_us * 1e-6;
  e.per_seq_s = seq_us * 1e-6;
  e.per_sampled_token_s = tok_us * 1e-6;
  e.overlap = overlap;
  e.gpu_time_scale = scale;
  return e;
}

TEST(EngineOverhead, SerialCpuTimeAddsToGpuTime) {
  // 1000 + 30 sequences x (20 + 10) us = 1900 us of CPU, none overlapped, on 5 ms of GPU.
  const EngineOverheadModel m(std::make_unique<FixedGpu>(5'000'000), engine(1000, 20, 10, 0));
  const auto c = m.estimate(batch(28, 2));
  EXPECT_EQ(c.time_ns, 6'900'000);
  EXPECT_DOUBLE_EQ(c.flops, 1e12);
  EXPECT_NEAR(c.activity, 0.6 * 5.0 / 6.9, 1e-12);
}

TEST(EngineOverhead, OverlappedCpuTimeHidesBehindTheGpuUpToItsLength) {
  // 2000 us of CPU, 80% overlapped: 400 serial, 1600 hidden behind a 5 ms GPU step.
  const EngineOverheadModel hidden(std::make_unique<FixedGpu>(5'000'000), engine(2000, 0, 0, 0.8));
  EXPECT_EQ(hidden.estimate(batch(1, 0)).time_ns, 5'400'000);
  // Behind a 1 ms GPU step only 1000 of the 1600 hide: 1000 + 400 + 600 us.
  const EngineOverheadModel exposed(std::make_unique<FixedGpu>(1'000'000), engine(2000, 0, 0, 0.8));
  EXPECT_EQ(exposed.estimate(batch(1, 0)).time_ns, 2'000'000);
}

TEST(EngineOverhead, GpuScaleMultipliesTheInnerTimeAndEmptyBatchesCostNothing) {
  const EngineOverheadModel m(std::make_unique<FixedGpu>(4'000'000), engine(100, 0, 0, 0, 1.25));
  EXPECT_EQ(m.estimate(batch(3, 0)).time_ns, 5'100'000);
  EXPECT_EQ(m.estimate(BatchShape{}).time_ns, 0);
}

TEST(EngineOverhead, SchemaDefaultsAreNoOverhead) {
  const EngineOverhead e = EngineOverhead::binding().from({});
  const EngineOverheadModel m(std::make_unique<FixedGpu>(3'000'000), e);
  EXPECT_EQ(m.estimate(batch(64, 1)).time_ns, 3'000'000);
  EXPECT_THROW(EngineOverhead::binding().from({{"overlap", 1.5}}), ParamError);
}

}  // namespace
}  // namespace xpusim::model
