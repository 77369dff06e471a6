// Sarathi, Orca and layered prefill, each alone on hand-made instance states.
#include <gtest/gtest.h>

#include <utility>

#include "fake_batch_view.hpp"
#include "xpusim/policy/batching/layered_prefill.hpp"
#include "xpusim/policy/batching/orca.hpp"
#include "xpusim/policy/batching/sarathi.hpp"

namespace xpusim::policy {
namespace {

using testing::FakeBatchView;

TEST(Sarathi, DecodesFirstThenPendingPrefillThenAdmissionsWithinBudget) {
  FakeBatchView v;
  v.running = {{4, false, false}, {4, false, false}, {4, false, false}};  // 3 decodes
  v.running.push_back({10, false, true, 150});  // a prefill with 150 tokens left
  v.pending_prefill = 150;
  v.add_waiting(300);
  v.add_waiting(300);
  v.add_waiting(300);
  IterationPlan plan;
  SarathiBatching({.chunk_size = 512, .max_num_seqs = 128}).plan_iteration(v, plan);
  EXPECT_TRUE(plan.run_decodes);
  EXPECT_EQ(plan.prefill_token_budget, 512 - 3);
  // 509 - 150 = 359 left: the first waiting request (300) fits whole, the second gets a
  // partial chunk of 59, the third nothing.
  EXPECT_EQ(plan.admit, 2u);
  EXPECT_EQ(plan.preempt_newest, 0u);
}

TEST(Sarathi, AdmitsNothingWhenPendingPrefillsUseTheBudget) {
  FakeBatchView v;
  v.running = {{40, false, true, 2000}};
  v.pending_prefill = 2000;
  v.add_waiting(16);
  IterationPlan plan;
  SarathiBatching({.chunk_size = 512, .max_num_seqs = 128}).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 0u);
  EXPECT_FALSE(plan.run_decodes);
  EXPECT_EQ(plan.prefill_token_budget, 512);
}

TEST(Sarathi, PreemptsNewestForDecodeBlocksAndStopsAdmitting) {
  FakeBatchView v;
  v.free = 0;
  v.running = {{5, true, false}, {5, true, false}, {2, false, true, 30}};
  v.add_waiting(16);
  IterationPlan plan;
  SarathiBatching({.chunk_size = 512, .max_num_seqs = 128}).plan_iteration(v, plan);
  EXPECT_EQ(plan.preempt_newest, 1u);  // the prefilling newest frees 2 blocks for 2 needs
  EXPECT_EQ(plan.admit, 0u);
  EXPECT_TRUE(plan.run_decodes);
  EXPECT_EQ(plan.prefill_token_budget, 510);
}

// vLLM V1's scheduler (vllm/v1/core/sched/scheduler.py, schedule()) walks the running list
// oldest first; when a request cannot get its block it pops the tail of the list (the most
// recently scheduled) and retries, and stops when the victim is the request itself. Worked by
// hand on three decodes that each need a block with none free:
//  - each holds 1 block: the oldest pops the newest (free 1) and takes it (free 0); the middle
//    then pops itself. Two preempted, the oldest runs.
//  - each holds 2 blocks: the oldest pops the newest (free 2) and takes one; the middle takes
//    the other. One preempted.
TEST(Sarathi, PreemptionMatchesVllmV1TailPopping) {
  for (const auto& [held, victims] : {std::pair<std::int64_t, std::size_t>{1, 2}, {2, 1}}) {
    FakeBatchView v;
    v.free = 0;
    v.running = {{held, true, false}, {held, true, false}, {held, true, false}};
    v.add_waiting(16);
    IterationPlan plan;
    SarathiBatching({.chunk_size = 512, .max_num_seqs = 128}).plan_iteration(v, plan);
    EXPECT_EQ(plan.preempt_newest, victims) << "blocks held " << held;
    EXPECT_EQ(plan.admit, 0u);  // V1 schedules no waiting request in a step that preempted
    EXPECT_TRUE(plan.run_decodes);
  }
}

TEST(Sarathi, DynamicChunkingShrinksTheBudgetAsThePromptProgresses) {
  SarathiBatching::Config c;
  c.dynamic_chunking = true;
  c.low_chunk_size = 128;
  c.high_chunk_size = 2048;
  c.chunk_schedule_max_tokens = 8192;
  c.chunk_schedule_stages = 4;  // 2048, 1408, 768, 128 every 2048 tokens of progress
  SarathiBatching s(c);
  EXPECT_EQ(s.chunk_for(0), 2048);
  EXPECT_EQ(s.chunk_for(2047), 2048);
  EXPECT_EQ(s.chunk_for(2048), 1408);
  EXPECT_EQ(s.chunk_for(4096), 768);
  EXPECT_EQ(s.chunk_for(6144), 128);
  EXPECT_EQ(s.chunk_for(1 << 30), 128);  // past the schedule: the last stage
  struct ProgressView : FakeBatchView {
    std::int64_t progress = 0;
    std::int64_t oldest_prefill_progress() const override { return progress; }
  } v;
  v.running = {{4, false, false}, {200, false, true, 8000}};
  v.pending_prefill = 8000;
  v.progress = 4500;
  IterationPlan plan;
  s.plan_iteration(v, plan);
  EXPECT_EQ(plan.prefill_token_budget, 768 - 1);  // stage 2 budget minus the one decode
  c.dynamic_chunking = false;
  SarathiBatching(c).plan_iteration(v, plan);
  EXPECT_EQ(plan.prefill_token_budget, 512 - 1);  // static chunk_size
}

TEST(Orca, ReservesForTheLongestSequenceAndBatchesPrefillsWithDecodes) {
  OrcaBatching::Config c;
  c.max_seq_len = 2048;
  OrcaBatching max_res(c);
  const WaitingInfo w{100, 7, 300};
  EXPECT_EQ(max_res.reserve_tokens(w), 2048);
  EXPECT_EQ(max_res.reserve_tokens({100, 7, 5000}), 5000);  // longer than max: its own length
  c.reservation = OrcaBatching::Reservation::Pow2;
  EXPECT_EQ(OrcaBatching(c).reserve_tokens(w), 512);
  c.reservation = OrcaBatching::Reservation::Oracle;
  EXPECT_EQ(OrcaBatching(c).reserve_tokens(w), 300);

  FakeBatchView v;
  v.free = 300;
  v.running = {{128, false, false}};
  for (int i = 0; i < 3; ++i) v.waiting_q.push_back({100, 128, 300});  // 128 blocks each
  IterationPlan plan;
  max_res.plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 2u);      // 300 free blocks hold two reservations of 128
  EXPECT_TRUE(plan.run_decodes);  // selective batching: decodes run with the prefills
  EXPECT_EQ(plan.preempt_newest, 0u);
}

TEST(LayeredPrefill, RunsDecodesEveryIterationAndSplitsPrefillIntoLayerGroups) {
  FakeBatchView v;
  v.running = {{4, false, false}};
  v.add_waiting(1000);
  v.add_waiting(1000);
  IterationPlan plan;
  LayeredPrefillBatching({.layer_groups = 4, .max_num_seqs = 256, .max_prefill_tokens = 1500})
      .plan_iteration(v, plan);
  EXPECT_TRUE(plan.run_decodes);
  EXPECT_EQ(plan.prefill_layer_groups, 4);
  EXPECT_EQ(plan.admit, 1u);  // the second would put 2000 prompt tokens in flight
  v.pending_prefill = 0;
  v.waiting_q = {{5000, 313, 5100}};
  LayeredPrefillBatching({.layer_groups = 4, .max_num_seqs = 256, .max_prefill_tokens = 1500})
      .plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 1u);  // alone, a prompt above the cap is still admitted
}

}  // namespace
}  // namespace xpusim::policy
