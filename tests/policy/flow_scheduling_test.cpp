// Flow-scheduling policies decided on hand-made SoC states.
#include <gtest/gtest.h>

#include "policy/fake_flow_view.hpp"
#include "xpusim/policy/flow_scheduling/agent_xpu.hpp"
#include "xpusim/policy/flow_scheduling/igpu_only.hpp"
#include "xpusim/policy/flow_scheduling/static_partition.hpp"

namespace xpusim::policy {
namespace {

using hw::EngineKind;
using testing::compute_bound;
using testing::FakeFlowView;
using testing::memory_bound;
constexpr auto R = FlowClass::Reactive;
constexpr auto P = FlowClass::Proactive;

// A proactive prefill paused at a group boundary, and a reactive turn that has just arrived.
FakeFlowView reactive_arrival_during_proactive_prefill() {
  FakeFlowView v;
  v.add_task(0, P, Stage::Prefill, compute_bound(3, 0.1), compute_bound(5, 0.1));
  v.add_ready(1, R, Stage::Prefill, 300, 1'000'000);
  return v;
}

TEST(IgpuOnly, ContinuesTheOpenIterationEvenWhenReactiveWorkWaits) {
  IgpuOnlyScheduler s;
  const FlowDecision d = s.decide(reactive_arrival_during_proactive_prefill());
  ASSERT_EQ(d.run.size(), 1u);
  EXPECT_EQ(d.run[0].task, 0);
  ASSERT_EQ(d.run[0].parts.size(), 1u);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Igpu);
  EXPECT_TRUE(d.open.empty());
}

TEST(IgpuOnly, OpensTheOldestTurnWholeAndWaitsWhileTheIgpuIsBusy) {
  IgpuOnlyScheduler s;
  FakeFlowView v;
  v.add_ready(4, P, Stage::Prefill, 900, 5);  // ready() is ordered by turn arrival
  v.add_ready(2, R, Stage::Prefill, 100, 9);
  FlowDecision d = s.decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].flows, std::vector<int>{4});
  EXPECT_EQ(d.open[0].prefill_tokens, 900);  // no chunking
  v.busy[static_cast<int>(EngineKind::Igpu)] = true;
  d = s.decide(v);
  EXPECT_TRUE(d.open.empty() && d.run.empty());
}

TEST(StaticPartition, SplitsEachGroupToBalanceTheTwoEngines) {
  StaticPartitionScheduler s(0.0);
  FakeFlowView v;
  v.add_task(0, P, Stage::Prefill, memory_bound(10), memory_bound(30));
  FlowDecision d = s.decide(v);
  ASSERT_EQ(d.run.size(), 1u);
  ASSERT_EQ(d.run[0].parts.size(), 2u);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Npu);
  EXPECT_DOUBLE_EQ(d.run[0].parts[0].share, 0.75);  // 0.75 x 10 ms = 0.25 x 30 ms
  EXPECT_DOUBLE_EQ(d.run[0].parts[1].share, 0.25);
  // A fixed ratio is used as given; a group the NPU cannot run goes whole to the iGPU.
  StaticPartitionScheduler fixed(0.4);
  EXPECT_DOUBLE_EQ(fixed.decide(v).run[0].parts[0].share, 0.4);
  v.task_list[0].next_group_work[static_cast<int>(EngineKind::Npu)] = std::nullopt;
  d = s.decide(v);
  ASSERT_EQ(d.run[0].parts.size(), 1u);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Igpu);
  // Both engines must be free: no preemption, no overlap of iterations.
  v.busy[static_cast<int>(EngineKind::Npu)] = true;
  EXPECT_TRUE(s.decide(v).run.empty());
}

TEST(StaticPartition, IsNotFlowAwareReactiveWaitsForTheOpenIteration) {
  StaticPartitionScheduler s(0.0);
  const FlowDecision d = s.decide(reactive_arrival_during_proactive_prefill());
  ASSERT_EQ(d.run.size(), 1u);
  EXPECT_EQ(d.run[0].task, 0);
  EXPECT_TRUE(d.open.empty());
}

// Issue #5: a reactive arrival during a proactive prefill is served after at most one operator
// group: at the boundary the policy opens the reactive prefill instead of continuing.
TEST(AgentXpu, ReactiveArrivalPreemptsProactivePrefillAtTheGroupBoundary) {
  AgentXpuScheduler s(AgentXpuConfig{});
  FakeFlowView v = reactive_arrival_during_proactive_prefill();
  FlowDecision d = s.decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].stage, Stage::Prefill);
  EXPECT_EQ(d.open[0].flows, std::vector<int>{1});
  EXPECT_EQ(d.open[0].prefill_tokens, 256);  // one static NPU chunk
  EXPECT_TRUE(d.run.empty());                // the proactive task stays paused
  // Once opened, the reactive chunk runs on the NPU ahead of the older proactive task.
  v.ready_flows.clear();
  v.add_task(7, R, Stage::Prefill, compute_bound(3, 0.1), compute_bound(5, 0.1), 0);
  d = s.decide(v);
  ASSERT_EQ(d.run.size(), 1u);
  EXPECT_EQ(d.run[0].task, 7);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Npu);
}

TEST(AgentXpu, ProactivePrefillContinuesOnTheNpuWhenNoReactiveWorkWaits) {
  AgentXpuScheduler s(AgentXpuConfig{});
  FakeFlowView v;
  v.add_task(0, P, Stage::Prefill, compute_bound(3, 0.1), compute_bound(5, 0.1));
  const FlowDecision d = s.decide(v);
  ASSERT_EQ(d.run.size(), 1u);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Npu);
}

TEST(AgentXpu, PiggybacksProactiveDecodeIntoTheReactiveBatchWithinTheSlack) {
  AgentXpuScheduler s(AgentXpuConfig{.slack_margin = 0.25, .max_decode_batch = 16});
  FakeFlowView v;  // 40 ms for one flow, +2 ms per flow: 25% slack = 10 ms = 5 more flows
  v.add_ready(0, P, Stage::Decode, 30, 1);
  v.add_ready(1, R, Stage::Decode, 30, 2);
  for (int i = 2; i < 9; ++i) v.add_ready(i, P, Stage::Decode, 30, 2 + i);
  FlowDecision d = s.decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].stage, Stage::Decode);
  EXPECT_EQ(d.open[0].flows, (std::vector<int>{1, 0, 2, 3, 4, 5}));
  // No slack: the reactive flow decodes alone.
  AgentXpuScheduler strict(AgentXpuConfig{.slack_margin = 0.0, .max_decode_batch = 16});
  EXPECT_EQ(strict.decide(v).open[0].flows, std::vector<int>{1});
}

TEST(AgentXpu, BatchesProactiveDecodeForThroughputWhenNoReactiveWorkIsActive) {
  AgentXpuScheduler s(AgentXpuConfig{.max_decode_batch = 3});
  FakeFlowView v;
  for (int i = 0; i < 5; ++i) v.add_ready(i, P, Stage::Decode, 30, i);
  const FlowDecision d = s.decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].flows, (std::vector<int>{0, 1, 2}));
}

TEST(AgentXpu, BackfillsBesideReactiveWorkOnlyWhenTheContentionStretchFitsTheSlack) {
  AgentXpuScheduler s(AgentXpuConfig{.slack_margin = 0.25});
  FakeFlowView v;
  v.igpu_by_npu = 1.5;
  TaskState& reactive = v.add_task(0, R, Stage::Decode, std::nullopt, memory_bound(1));
  reactive.running = true;
  reactive.running_on[static_cast<int>(EngineKind::Igpu)] = true;
  v.busy[static_cast<int>(EngineKind::Igpu)] = true;
  // A memory-bound proactive group on the NPU would stretch the reactive decode 1.5x: no.
  v.add_task(1, P, Stage::Prefill, memory_bound(3), memory_bound(3));
  EXPECT_TRUE(s.decide(v).run.empty());
  // A compute-bound one (memory 20% of its time) stretches it 1.1x: backfilled.
  v.task_list[1].next_group_work[static_cast<int>(EngineKind::Npu)] = compute_bound(3, 0.2);
  const FlowDecision d = s.decide(v);
  ASSERT_EQ(d.run.size(), 1u);
  EXPECT_EQ(d.run[0].task, 1);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Npu);
}

TEST(AgentXpu, CapsProactiveIgpuTimeAndAsksAgainWhenBackUnderTheCap) {
  AgentXpuScheduler s(AgentXpuConfig{.proactive_igpu_cap = 0.5});
  FakeFlowView v;
  v.add_ready(0, P, Stage::Decode, 30, 0);
  v.now_ns = 1'000'000'000;
  v.proactive_igpu_ns = 600'000'000;
  FlowDecision d = s.decide(v);
  EXPECT_TRUE(d.open.empty());
  EXPECT_EQ(d.wake_at, 1'200'000'000);
  v.proactive_igpu_ns = 400'000'000;
  d = s.decide(v);
  EXPECT_EQ(d.open.size(), 1u);
}

}  // namespace
}  // namespace xpusim::policy
