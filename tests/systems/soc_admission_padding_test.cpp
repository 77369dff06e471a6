// The SoC runtime's memory and shape limits: the KV budget (admission queues flows whose KV does
// not fit) and the NPU's static prefill shapes (a chunk runs padded to the next compiled shape).
#include <gtest/gtest.h>

#include <algorithm>

#include "hw/flat_preset.hpp"
#include "xpusim/policy/flow_scheduling/agent_xpu.hpp"
#include "xpusim/systems/soc_runtime.hpp"

namespace xpusim::systems {
namespace {

using workload::AgentFlow;
using workload::FlowClass;

hw::SocSpec lunar_lake() {
  return hw::SocSpec::binding().from(
      testing::read_named_preset("configs/hardware", "intel-core-ultra-7-258v"));
}

model::ModelSpec llama_int4() {
  model::ModelSpec m = model::ModelSpec::binding().from(
      testing::read_named_preset("configs/models", "llama-3-8b"));
  m.dtype = hw::DType::Int4;
  return m;
}

AgentFlow flow(int id, double arrival_s, std::int64_t prompt, std::int64_t output) {
  AgentFlow f;
  f.id = id;
  f.cls = FlowClass::Reactive;
  f.arrival_s = arrival_s;
  f.turns.push_back({prompt, output, 0.0, 0.0});
  return f;
}

struct Turns : FlowObserver {
  std::vector<TurnRecord> done;
  void on_tokens(FlowClass, std::int64_t, TimeNs) override {}
  void on_turn_done(const TurnRecord& r) override { done.push_back(r); }
  const TurnRecord& of(int id) const {
    return *std::find_if(done.begin(), done.end(), [&](const auto& r) { return r.flow == id; });
  }
};

struct NpuBusy : hw::DeviceObserver {
  TimeNs since = 0, total = 0;
  void on_busy(const hw::Device&, TimeNs now, double, std::string_view) override { since = now; }
  void on_idle(const hw::Device&, TimeNs now) override { total += now - since; }
};

struct Outcome {
  Turns turns;
  TimeNs npu_busy = 0;
  double kv_peak = 0;
  std::int64_t queued = 0;
};

Outcome run(const hw::SocSpec& soc, std::vector<AgentFlow> flows,
        policy::AgentXpuConfig config = {}) {
  Simulator sim;
  policy::AgentXpuScheduler agent(config);
  SocRuntime rt(sim, soc, llama_int4(), agent, std::move(flows));
  Outcome out;
  NpuBusy npu;
  rt.device(hw::EngineKind::Npu).add_observer(npu);
  rt.add_observer(out.turns);
  rt.start();
  sim.run();
  EXPECT_EQ(rt.turns_completed(), rt.turns_started());
  out.npu_busy = npu.total;
  out.kv_peak = rt.kv_peak_bytes();
  out.queued = rt.flows_queued_for_kv();
  return out;
}

TimeNs ttft(const TurnRecord& r) { return r.first_token_ns - r.ready_ns; }

// Llama-3-8B, BF16 KV: 32 layers x (K and V) x 8 KV heads x 128 dims x 2 bytes = 131072 B/token.
constexpr double kKvPerToken = 32.0 * 2 * 8 * 128 * 2;

TEST(SocAdmission, AFlowReservesTheKvOfAllItsTurns) {
  AgentFlow f = flow(0, 0, 1000, 24);
  f.turns.push_back({476, 548, 1.0, 0.0});
  EXPECT_DOUBLE_EQ(SocRuntime::flow_kv_bytes(llama_int4(), f), 2048 * kKvPerToken);
  // Budget 0: the DDR left beside the weights.
  hw::SocSpec soc = lunar_lake();
  EXPECT_DOUBLE_EQ(SocRuntime::kv_budget_bytes(soc, llama_int4()),
                   soc.ddr_bytes - llama_int4().weight_bytes());
  soc.kv_budget_bytes = 1e9;
  EXPECT_DOUBLE_EQ(SocRuntime::kv_budget_bytes(soc, llama_int4()), 1e9);
}

// Two flows of 1024 tokens each (0.134 GB): a 0.2 GB budget admits one at a time, so the second
// starts only when the first has finished and its latency counts from its own arrival; a
// 0.3 GB budget admits both at once.
TEST(SocAdmission, AFlowBeyondTheKvBudgetQueuesUntilAnEarlierFlowFinishes) {
  const std::vector<AgentFlow> flows{flow(0, 0.0, 1000, 24), flow(1, 0.1, 1000, 24)};
  hw::SocSpec soc = lunar_lake();
  soc.kv_budget_bytes = 0.2e9;
  const Outcome tight = run(soc, flows);
  EXPECT_EQ(tight.queued, 1);
  EXPECT_DOUBLE_EQ(tight.kv_peak, 1024 * kKvPerToken);
  const TurnRecord& second = tight.turns.of(1);
  EXPECT_EQ(second.ready_ns, 100'000'000);  // its arrival, not its admission
  EXPECT_GE(second.first_token_ns, tight.turns.of(0).done_ns);

  soc.kv_budget_bytes = 0.3e9;
  const Outcome roomy = run(soc, flows);
  EXPECT_EQ(roomy.queued, 0);
  EXPECT_DOUBLE_EQ(roomy.kv_peak, 2 * 1024 * kKvPerToken);
  EXPECT_LT(roomy.turns.of(1).first_token_ns, roomy.turns.of(0).done_ns);
  EXPECT_LT(ttft(roomy.turns.of(1)), ttft(second));
}

// A 100-token prompt on an NPU with shapes {128, 256} runs as a 128-token chunk: its time to
// first token (alone, so no contention) equals that of a 128-token prompt with dynamic shapes,
// and exceeds the unpadded 100-token prompt's. A 128-token prompt is not padded.
TEST(SocPadding, APrefillChunkRunsOnTheNpuPaddedToTheNextCompiledShape) {
  hw::SocSpec padded = lunar_lake(), dynamic = lunar_lake();
  padded.npu_prefill_shapes = {128, 256};
  dynamic.npu_prefill_shapes = {};
  const auto one = [](std::int64_t prompt) { return std::vector<AgentFlow>{flow(0, 0, prompt, 1)}; };
  const TimeNs padded_100 = ttft(run(padded, one(100)).turns.of(0));
  const TimeNs dynamic_100 = ttft(run(dynamic, one(100)).turns.of(0));
  const TimeNs dynamic_128 = ttft(run(dynamic, one(128)).turns.of(0));
  EXPECT_EQ(padded_100, dynamic_128);
  EXPECT_GT(padded_100, dynamic_100);
  EXPECT_EQ(ttft(run(padded, one(128)).turns.of(0)), dynamic_128);
  // The FFN GEMMs of 100 tokens are compute-bound on this NPU (2 x 100 x 176M weights =
  // 35 GFLOP at 25.9 TOP/s = 1.36 ms > 88 MB of INT4 weights at 75 GB/s = 1.17 ms), so the
  // padding costs close to 128/100: at least 15% more time to first token.
  EXPECT_GT(static_cast<double>(padded_100), 1.15 * static_cast<double>(dynamic_100));
}

// A chunk longer than every compiled shape cannot run on the NPU: Agent.xpu's elastic binding
// sends it to the iGPU, and the NPU stays idle.
TEST(SocPadding, AChunkLongerThanEveryShapeRunsOffTheNpu) {
  hw::SocSpec soc = lunar_lake();
  soc.npu_prefill_shapes = {128};
  const policy::AgentXpuConfig chunk256{.prefill_chunk_tokens = 256};
  // 512 tokens = two 256-token chunks, neither held by the 128 shape.
  const Outcome r = run(soc, {flow(0, 0, 512, 2)}, chunk256);
  EXPECT_EQ(r.npu_busy, 0);
  EXPECT_EQ(r.turns.done.size(), 1u);
  soc.npu_prefill_shapes = {256};
  const Outcome fits = run(soc, {flow(0, 0, 512, 2)}, chunk256);
  EXPECT_GT(fits.npu_busy, 0);
}

}  // namespace
}  // namespace xpusim::systems
