// Agent.xpu's CPU steps (issue 18) decided on hand-made SoC states: overflow of proactive work
// onto the CPU when its predicted finish beats waiting for the busy accelerator, small proactive
// decode on the CPU, and the reactive rules the CPU must respect.
#include <gtest/gtest.h>

#include "policy/fake_flow_view.hpp"
#include "xpusim/policy/flow_scheduling/agent_xpu.hpp"

namespace xpusim::policy {
namespace {

using hw::EngineKind;
using testing::FakeFlowView;
using testing::memory_bound;
constexpr auto R = FlowClass::Reactive;
constexpr auto P = FlowClass::Proactive;
constexpr int kCpu = static_cast<int>(EngineKind::Cpu);
constexpr int kIgpu = static_cast<int>(EngineKind::Igpu);

// The iGPU runs group 5 of a 65-group decode iteration (1 ms per group) that ends its group in
// flight at 0.5 ms: the iGPU frees at 0.5 + 59 x 1 = 59.5 ms.
FakeFlowView igpu_busy_with(FlowClass cls) {
  FakeFlowView v;
  TaskState& t = v.add_task(0, cls, Stage::Decode, std::nullopt, memory_bound(1));
  t.running = true;
  t.running_on[kIgpu] = true;
  v.busy[kIgpu] = true;
  v.free_at[kIgpu] = 500'000;
  return v;
}

AgentXpuConfig overflow() {
  AgentXpuConfig c;
  c.cpu_overflow = true;
  return c;
}

TEST(AgentXpuCpu, OffByDefaultTheCpuStaysIdle) {
  FakeFlowView v = igpu_busy_with(P);
  v.cpu_decode_ms = 1;
  v.add_ready(1, P, Stage::Decode, 30, 1);
  const FlowDecision d = AgentXpuScheduler(AgentXpuConfig{}).decide(v);
  EXPECT_TRUE(d.open.empty());
  EXPECT_TRUE(d.run.empty());
}

// Two proactive decode flows wait; on the iGPU their iteration (40 + 2 ms) would end at
// 59.5 + 42 = 101.5 ms. The CPU opens them when its iteration ends earlier than that.
TEST(AgentXpuCpu, OverflowOpensProactiveDecodeOnTheCpuWhenItFinishesBeforeTheIgpuWould) {
  FakeFlowView v = igpu_busy_with(P);
  v.add_ready(1, P, Stage::Decode, 30, 1);
  v.add_ready(2, P, Stage::Decode, 30, 2);
  v.cpu_decode_ms = 101;
  FlowDecision d = AgentXpuScheduler(overflow()).decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].stage, Stage::Decode);
  EXPECT_EQ(d.open[0].flows, (std::vector<int>{1, 2}));
  v.cpu_decode_ms = 102;  // ends at 102 ms > 101.5 ms: waiting for the iGPU is better
  d = AgentXpuScheduler(overflow()).decide(v);
  EXPECT_TRUE(d.open.empty());
}

// A paused proactive decode iteration (65 groups, at group 5) whose groups take 1.5 ms on the
// CPU: 60 x 1.5 = 90 ms there, against 59.5 + 60 x 1 = 119.5 ms after waiting for the iGPU.
TEST(AgentXpuCpu, OverflowContinuesAPausedProactiveIterationOnTheCpu) {
  FakeFlowView v = igpu_busy_with(P);
  TaskState& t = v.add_task(1, P, Stage::Decode, std::nullopt, memory_bound(1));
  t.next_group_work[kCpu] = memory_bound(1.5);
  FlowDecision d = AgentXpuScheduler(overflow()).decide(v);
  ASSERT_EQ(d.run.size(), 1u);
  EXPECT_EQ(d.run[0].task, 1);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Cpu);
  // 2 ms a group: 120 ms on the CPU > 119.5 ms: it waits for the iGPU, and nothing new opens.
  v.task_list[1].next_group_work[kCpu] = memory_bound(2);
  v.add_ready(2, P, Stage::Decode, 30, 2);
  v.cpu_decode_ms = 1;
  d = AgentXpuScheduler(overflow()).decide(v);
  EXPECT_TRUE(d.run.empty());
  EXPECT_TRUE(d.open.empty());
}

// Beside a running reactive decode group (memory-bound), a memory-bound CPU group stretches it
// by the iGPU-by-CPU factor: allowed within the 25% slack (1.2), refused beyond it (1.3). The
// CPU never opens the reactive flow.
TEST(AgentXpuCpu, OverflowRespectsTheReactiveSlackAndNeverTakesReactiveWork) {
  FakeFlowView v = igpu_busy_with(R);
  v.cpu_decode_ms = 60;  // < 59.5 + 40 ms
  v.add_ready(1, P, Stage::Decode, 30, 1);
  v.add_ready(2, R, Stage::Decode, 30, 2);
  v.igpu_by_cpu = 1.3;
  EXPECT_TRUE(AgentXpuScheduler(overflow()).decide(v).open.empty());
  v.igpu_by_cpu = 1.2;
  const FlowDecision d = AgentXpuScheduler(overflow()).decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].flows, std::vector<int>{1});
}

// While the accelerator is free, overflow leaves the work to it.
TEST(AgentXpuCpu, OverflowLeavesWorkToAnIdleAccelerator) {
  FakeFlowView v;
  v.cpu_decode_ms = 1;  // even a faster CPU: overflow is for busy accelerators only
  v.add_ready(1, P, Stage::Decode, 30, 1);
  const FlowDecision d = AgentXpuScheduler(overflow()).decide(v);
  ASSERT_EQ(d.open.size(), 1u);  // the iGPU's batch
  v.task_list.clear();
  v.ready_flows.clear();
  TaskState& t = v.add_task(3, P, Stage::Decode, std::nullopt, memory_bound(1), 0);
  t.next_group_work[kCpu] = memory_bound(0.5);
  const FlowDecision d2 = AgentXpuScheduler(overflow()).decide(v);
  ASSERT_EQ(d2.run.size(), 1u);
  EXPECT_EQ(d2.run[0].parts[0].engine, EngineKind::Igpu);
}

AgentXpuConfig small(int flows) {
  AgentXpuConfig c;
  c.cpu_small_flows = flows;
  return c;
}

// Small operators: a proactive decode of at most cpu_small_flows flows goes to the CPU when the
// CPU is no slower than the iGPU for it (39 <= 40 ms) or reactive work waits; else the iGPU
// batches it as before.
TEST(AgentXpuCpu, SmallProactiveDecodeRunsOnTheCpuWhenNoSlowerOrWhenReactiveWorkWaits) {
  FakeFlowView v;
  for (int i = 0; i < 3; ++i) v.add_ready(i, P, Stage::Decode, 30, i);
  v.cpu_decode_ms = 45;  // slower than the iGPU's 40 ms, and nothing reactive: the iGPU batches
  FlowDecision d = AgentXpuScheduler(small(1)).decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].flows, (std::vector<int>{0, 1, 2}));
  v.cpu_decode_ms = 39;  // faster: the oldest flow alone opens for the CPU
  d = AgentXpuScheduler(small(1)).decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].flows, std::vector<int>{0});
  v.cpu_decode_ms = 45;  // slower, but a reactive turn waits: the CPU keeps the iGPU free
  v.add_ready(9, R, Stage::Decode, 30, 9);
  d = AgentXpuScheduler(small(1)).decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].flows, std::vector<int>{0});
}

TEST(AgentXpuCpu, SmallRuleTakesPausedIterationsOfAtMostThatManyFlows) {
  FakeFlowView v;
  v.add_ready(9, R, Stage::Decode, 30, 9);  // reactive work waits: small work prefers the CPU
  TaskState& big = v.add_task(1, P, Stage::Decode, std::nullopt, memory_bound(1));
  big.members = 2;
  big.next_group_work[kCpu] = memory_bound(1.2);
  // Two flows > cpu_small_flows 1: not on the CPU (the iGPU takes the reactive batch).
  FlowDecision d = AgentXpuScheduler(small(1)).decide(v);
  for (const RunGroup& r : d.run) EXPECT_NE(r.parts[0].engine, EngineKind::Cpu);
  d = AgentXpuScheduler(small(2)).decide(v);
  ASSERT_FALSE(d.run.empty());
  EXPECT_EQ(d.run[0].task, 1);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Cpu);
}

}  // namespace
}  // namespace xpusim::policy
