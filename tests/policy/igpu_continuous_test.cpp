// The continuous-batching iGPU baseline decided on hand-made SoC states.
#include "xpusim/policy/flow_scheduling/igpu_continuous.hpp"

#include <gtest/gtest.h>

#include "policy/fake_flow_view.hpp"

namespace xpusim::policy {
namespace {

using hw::EngineKind;
using testing::compute_bound;
using testing::FakeFlowView;
constexpr auto R = FlowClass::Reactive;
constexpr auto P = FlowClass::Proactive;

TEST(IgpuContinuous, AlternatesAChunkOfTheOldestPromptWithABatchOfEveryDecodingFlow) {
  IgpuContinuousScheduler s(IgpuContinuousConfig{.prefill_chunk_tokens = 512, .max_batch = 8});
  FakeFlowView v;  // ready() order: turn arrival
  v.add_ready(4, P, Stage::Prefill, 900, 0);
  v.add_ready(2, R, Stage::Decode, 30, 1);
  v.add_ready(7, R, Stage::Prefill, 100, 2);
  v.add_ready(3, P, Stage::Decode, 10, 3);
  FlowDecision d = s.decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].stage, Stage::Prefill);
  EXPECT_EQ(d.open[0].flows, std::vector<int>{4});  // class-blind: the older proactive prompt
  EXPECT_EQ(d.open[0].prefill_tokens, 512);         // one chunk of n_ubatch tokens
  EXPECT_TRUE(d.run.empty());
  // Next iteration boundary with the same flows waiting: a decode step of all decoding flows.
  d = s.decide(v);
  ASSERT_EQ(d.open.size(), 1u);
  EXPECT_EQ(d.open[0].stage, Stage::Decode);
  EXPECT_EQ(d.open[0].flows, (std::vector<int>{2, 3}));
  // Then a prefill chunk again.
  EXPECT_EQ(s.decide(v).open.at(0).stage, Stage::Prefill);
}

TEST(IgpuContinuous, FullSlotsHoldNewPromptsBackAndCapTheDecodeBatch) {
  IgpuContinuousScheduler s(IgpuContinuousConfig{.max_batch = 2});
  FakeFlowView v;
  v.add_ready(0, R, Stage::Prefill, 100, 0);  // oldest, but every slot is decoding
  v.add_ready(1, P, Stage::Decode, 10, 1);
  v.add_ready(2, P, Stage::Decode, 10, 2);
  v.add_ready(3, R, Stage::Decode, 10, 3);
  for (int i = 0; i < 3; ++i) {
    const FlowDecision d = s.decide(v);
    ASSERT_EQ(d.open.size(), 1u);
    EXPECT_EQ(d.open[0].stage, Stage::Decode);
    EXPECT_EQ(d.open[0].flows, (std::vector<int>{1, 2}));  // the two oldest decoding flows
  }
  // With a free slot the prompt is admitted.
  v.ready_flows.pop_back();
  v.ready_flows.pop_back();
  const FlowDecision d = s.decide(v);
  EXPECT_EQ(d.open.at(0).stage, Stage::Prefill);
  EXPECT_EQ(d.open.at(0).flows, std::vector<int>{0});
}

TEST(IgpuContinuous, ContinuesTheOpenIterationOnTheIgpuAndNeverUsesTheNpu) {
  IgpuContinuousScheduler s(IgpuContinuousConfig{});
  FakeFlowView v;
  v.add_task(0, P, Stage::Prefill, compute_bound(3, 0.1), compute_bound(5, 0.1));
  v.add_ready(1, R, Stage::Prefill, 300, 1'000'000);  // a reactive arrival does not preempt
  FlowDecision d = s.decide(v);
  ASSERT_EQ(d.run.size(), 1u);
  EXPECT_EQ(d.run[0].task, 0);
  ASSERT_EQ(d.run[0].parts.size(), 1u);
  EXPECT_EQ(d.run[0].parts[0].engine, EngineKind::Igpu);
  EXPECT_TRUE(d.open.empty());
  // While the iGPU runs it, nothing else starts (the idle NPU stays idle).
  v.task_list[0].running = true;
  v.busy[static_cast<int>(EngineKind::Igpu)] = true;
  d = s.decide(v);
  EXPECT_TRUE(d.open.empty() && d.run.empty());
  v.busy[static_cast<int>(EngineKind::Igpu)] = false;
  d = s.decide(v);  // a group of it is still in flight elsewhere: wait for the iteration
  EXPECT_TRUE(d.open.empty() && d.run.empty());
}

}  // namespace
}  // namespace xpusim::policy
