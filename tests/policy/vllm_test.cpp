#include "xpusim/policy/batching/vllm.hpp"

#include <gtest/gtest.h>

#include "fake_batch_view.hpp"

namespace xpusim::policy {
namespace {

using testing::FakeBatchView;

VllmBatching make(std::int64_t max_seqs = 256, std::int64_t max_tokens = 8192, double wm = 0) {
  return VllmBatching({max_seqs, max_tokens, wm});
}

TEST(Vllm, AdmitsFcfsWhileBlocksAllowAndRunsPrefillOnly) {
  FakeBatchView v;
  v.free = 10;  // 160 tokens of KV
  v.add_waiting(64);   // 4 blocks
  v.add_waiting(64);   // 4 blocks
  v.add_waiting(64);   // 4 blocks: does not fit after the first two
  v.add_waiting(16);   // 1 block: would fit, but FCFS stops at the first that does not
  v.running.push_back({2, false, false});
  IterationPlan plan;
  make().plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 2u);
  EXPECT_FALSE(plan.run_decodes);  // prefill-first: decodes wait
  EXPECT_EQ(plan.preempt_newest, 0u);
}

TEST(Vllm, RespectsTokenAndSequenceCaps) {
  FakeBatchView v;
  for (int i = 0; i < 5; ++i) v.add_waiting(100);
  IterationPlan plan;
  make(256, 250).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 2u);  // 300 tokens would exceed 250
  make(3, 8192).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 3u);
  v.running.assign(3, RunningInfo{1, false, false});
  make(3, 8192).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 0u);
  EXPECT_TRUE(plan.run_decodes);
}

TEST(Vllm, WatermarkHoldsBackAdmission) {
  FakeBatchView v;
  v.total = 100;
  v.free = 12;
  v.add_waiting(160);  // 10 blocks; 12 - 10 = 2 < watermark 5
  IterationPlan plan;
  make(256, 8192, 0.05).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 0u);
  make(256, 8192, 0.01).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 1u);
}

TEST(Vllm, PreemptsNewestUntilDecodeStepFits) {
  FakeBatchView v;
  v.free = 0;
  // oldest .. newest; three need a block now; newest holds 1 block and needs one.
  v.running = {{5, true, false}, {5, true, false}, {3, false, false}, {1, true, false}};
  IterationPlan plan;
  make().plan_iteration(v, plan);
  // Preempting the newest frees 1 block and removes 1 need: 2 needed, 1 free -> preempt the
  // next (3 blocks, no need): 4 free >= 2 needed.
  EXPECT_EQ(plan.preempt_newest, 2u);
  EXPECT_TRUE(plan.run_decodes);
  EXPECT_EQ(plan.admit, 0u);
}

TEST(Vllm, NoPreemptionWhenBlocksSuffice) {
  FakeBatchView v;
  v.free = 2;
  v.running = {{5, true, false}, {5, true, false}};
  IterationPlan plan;
  make().plan_iteration(v, plan);
  EXPECT_EQ(plan.preempt_newest, 0u);
  EXPECT_TRUE(plan.run_decodes);
}

TEST(Vllm, SwapModeBringsSwappedBackBeforeAdmittingNewRequests) {
  FakeBatchView v;
  v.free = 12;
  v.running = {{3, false, false}};
  v.swapped = {5, 5};  // each needs 5 blocks + 1 for its next token
  v.add_waiting(16);
  VllmBatching swap({.watermark = 0.0, .preemption_mode = VllmBatching::PreemptionMode::Swap});
  IterationPlan plan;
  swap.plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 0u);  // nothing new while sequences wait in swap
  EXPECT_EQ(plan.swap_in, 2u);
  EXPECT_TRUE(plan.run_decodes);
  EXPECT_TRUE(plan.swap_out);
  v.free = 8;
  swap.plan_iteration(v, plan);
  EXPECT_EQ(plan.swap_in, 1u);
}

TEST(Vllm, IdleWhenNothingToDo) {
  FakeBatchView v;
  IterationPlan plan;
  make().plan_iteration(v, plan);
  EXPECT_TRUE(plan.idle());
}

}  // namespace
}  // namespace xpusim::policy
