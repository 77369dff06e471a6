// The SoC runtime executing agent flows group by group under each flow-scheduling policy.
#include "xpusim/systems/soc_runtime.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "hw/flat_preset.hpp"
#include "xpusim/policy/flow_scheduling/agent_xpu.hpp"
#include "xpusim/policy/flow_scheduling/igpu_only.hpp"
#include "xpusim/policy/flow_scheduling/static_partition.hpp"

namespace xpusim::systems {
namespace {

using workload::AgentFlow;
using workload::FlowClass;

hw::SocSpec lunar_lake() {
  return hw::SocSpec::binding().from(testing::read_named_preset("configs/hardware", "intel-core-ultra-7-258v"));
}

model::ModelSpec llama_int4() {
  model::ModelSpec m = model::ModelSpec::binding().from(
      testing::read_named_preset("configs/models", "llama-3-8b"));
  m.dtype = hw::DType::Int4;
  return m;
}

AgentFlow flow(FlowClass cls, double arrival_s, std::int64_t prompt, std::int64_t output,
               int turns = 1) {
  AgentFlow f;
  f.cls = cls;
  f.arrival_s = arrival_s;
  for (int i = 0; i < turns; ++i) f.turns.push_back({prompt, output, i > 0 ? 0.5 : 0.0, 0.0});
  return f;
}

struct Records : FlowObserver {
  std::vector<TurnRecord> turns;
  std::array<std::int64_t, 2> tokens{};
  void on_tokens(FlowClass cls, std::int64_t n, TimeNs) override {
    tokens[static_cast<int>(cls)] += n;
  }
  void on_turn_done(const TurnRecord& r) override { turns.push_back(r); }
  const TurnRecord& of(int flow) const {
    return *std::find_if(turns.begin(), turns.end(),
                         [&](const TurnRecord& r) { return r.flow == flow; });
  }
};

struct BusyTime : hw::DeviceObserver {
  TimeNs since = 0, total = 0;
  void on_busy(const hw::Device&, TimeNs now, double, std::string_view) override { since = now; }
  void on_idle(const hw::Device&, TimeNs now) override { total += now - since; }
};

struct Outcome {
  Records records;
  TimeNs npu_busy = 0, igpu_busy = 0;
};

Outcome run(policy::FlowScheduler& policy, std::vector<AgentFlow> flows) {
  for (std::size_t i = 0; i < flows.size(); ++i) flows[i].id = static_cast<int>(i);
  Simulator sim;
  SocRuntime soc(sim, lunar_lake(), llama_int4(), policy, std::move(flows));
  Outcome out;
  BusyTime npu, igpu;
  soc.device(hw::EngineKind::Npu).add_observer(npu);
  soc.device(hw::EngineKind::Igpu).add_observer(igpu);
  soc.add_observer(out.records);
  soc.start();
  sim.run();
  EXPECT_EQ(soc.turns_completed(), soc.turns_started());
  out.npu_busy = npu.total;
  out.igpu_busy = igpu.total;
  return out;
}

// The longest operator group of a proactive prefill chunk on the NPU, alone.
TimeNs longest_npu_group(std::int64_t tokens) {
  model::BatchShape b;
  b.prefill_seqs = 1;
  b.prefill_tokens = tokens;
  b.prefill_attention_pairs = double(tokens) * (tokens + 1) / 2;
  const model::OpGraph g = model::OpGraph::iteration(llama_int4(), b);
  double longest = 0;
  for (const auto& group : g.order())
    longest = std::max(longest,
                       model::engine_work(lunar_lake(), hw::EngineKind::Npu, group, hw::DType::Int4)
                           ->standalone_ns());
  return static_cast<TimeNs>(std::ceil(longest));
}

// Issue #5 "done when": a reactive arrival during a proactive prefill is served after at most
// one operator group. Its TTFT with the proactive prefill in flight exceeds its TTFT alone by
// no more than the longest proactive group.
TEST(SocRuntime, ReactiveArrivalDuringProactivePrefillWaitsAtMostOneGroup) {
  policy::AgentXpuScheduler agent(policy::AgentXpuConfig{.prefill_chunk_tokens = 512});
  const auto alone = run(agent, {flow(FlowClass::Reactive, 0.3, 256, 4)});
  const TimeNs ttft_alone = alone.records.of(0).first_token_ns - alone.records.of(0).ready_ns;
  // The proactive prefill (2048 tokens: 4 chunks of ~0.3 s) is in flight at 0.3 s.
  const auto mixed = run(
      agent, {flow(FlowClass::Proactive, 0.0, 2048, 4), flow(FlowClass::Reactive, 0.3, 256, 4)});
  const TurnRecord& r = mixed.records.of(1);
  const TimeNs ttft = r.first_token_ns - r.ready_ns;
  EXPECT_GE(ttft, ttft_alone);
  EXPECT_LE(ttft - ttft_alone, longest_npu_group(512));
  // The reactive turn overtook the proactive one that arrived first.
  EXPECT_LT(r.done_ns, mixed.records.of(0).first_token_ns);

  // The FCFS baseline makes it wait for the whole proactive prefill: many groups.
  policy::IgpuOnlyScheduler fcfs;
  const auto base =
      run(fcfs, {flow(FlowClass::Proactive, 0.0, 2048, 4), flow(FlowClass::Reactive, 0.3, 256, 4)});
  const TurnRecord& b = base.records.of(1);
  EXPECT_GT(b.first_token_ns - b.ready_ns, ttft + 10 * longest_npu_group(512));
}

TEST(SocRuntime, EveryTurnCompletesAndEveryOutputTokenIsCounted) {
  std::vector<AgentFlow> flows{flow(FlowClass::Proactive, 0.0, 700, 20, 3),
                               flow(FlowClass::Reactive, 0.2, 150, 9, 2),
                               flow(FlowClass::Proactive, 0.4, 300, 1, 2)};
  policy::AgentXpuScheduler agent(policy::AgentXpuConfig{});
  policy::IgpuOnlyScheduler fcfs;
  policy::StaticPartitionScheduler split(0.0);
  for (policy::FlowScheduler* p :
       std::initializer_list<policy::FlowScheduler*>{&agent, &fcfs, &split}) {
    const auto out = run(*p, flows);
    EXPECT_EQ(out.records.turns.size(), 7u);
    EXPECT_EQ(out.records.tokens[0], 2 * 9);
    EXPECT_EQ(out.records.tokens[1], 3 * 20 + 2 * 1);
    for (const auto& t : out.records.turns) {
      EXPECT_LE(t.ready_ns, t.first_token_ns);
      EXPECT_LE(t.first_token_ns, t.done_ns);
    }
  }
}

TEST(SocRuntime, StageElasticityUsesBothEnginesWhereTheBaselineUsesOnlyTheIgpu) {
  std::vector<AgentFlow> flows;
  for (int i = 0; i < 6; ++i) flows.push_back(flow(FlowClass::Proactive, 0.1 * i, 512, 16));
  policy::AgentXpuScheduler agent(policy::AgentXpuConfig{});
  policy::IgpuOnlyScheduler fcfs;
  const auto a = run(agent, flows);
  const auto b = run(fcfs, flows);
  EXPECT_GT(a.npu_busy, 0);
  EXPECT_GT(a.igpu_busy, 0);
  EXPECT_EQ(b.npu_busy, 0);
  // Prefill on the NPU overlapping batched decode on the iGPU finishes the same work sooner.
  auto last = [](const Outcome& o) {
    TimeNs t = 0;
    for (const auto& r : o.records.turns) t = std::max(t, r.done_ns);
    return t;
  };
  EXPECT_LT(last(a), last(b));
  // Tensor partitioning keeps both engines busy on the same groups.
  policy::StaticPartitionScheduler split(0.0);
  const auto c = run(split, flows);
  EXPECT_GT(c.npu_busy, 0);
  EXPECT_GT(c.igpu_busy, 0);
}

}  // namespace
}  // namespace xpusim::systems
