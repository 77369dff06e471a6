#include "xpusim/policy/batching/static_batching.hpp"

#include <gtest/gtest.h>

#include "fake_batch_view.hpp"

namespace xpusim::policy {
namespace {

using testing::FakeBatchView;

StaticBatching make(std::int64_t max_batch = 4, std::int64_t max_seq_len = 1024) {
  return StaticBatching({max_batch, max_seq_len});
}

TEST(StaticBatching, FormsABatchOnlyWhenNothingRuns) {
  FakeBatchView v;
  for (int i = 0; i < 6; ++i) v.add_waiting(100);
  IterationPlan plan;
  make().plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 4u);  // the batch is full at max_num_seqs
  EXPECT_FALSE(plan.run_decodes);
  // One sequence of the batch is still decoding: plenty of free blocks, yet nothing joins.
  v.running.push_back({8, false, false});
  make().plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 0u);
  EXPECT_TRUE(plan.run_decodes);
  EXPECT_EQ(plan.preempt_newest, 0u);
  EXPECT_FALSE(plan.idle());
}

TEST(StaticBatching, AdmitsWholePromptsWithoutATokenCap) {
  FakeBatchView v;
  v.total = v.free = 2000;
  for (int i = 0; i < 3; ++i) v.add_waiting(6000);  // 375 blocks each  // 18,000 prompt tokens in one iteration
  IterationPlan plan;
  make().plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 3u);
  EXPECT_EQ(plan.prefill_token_budget, IterationPlan::kUnlimited);
}

TEST(StaticBatching, ReservesMaxSeqLenOrTheRequestsOwnLongerLength) {
  const auto p = make(4, 1024);
  EXPECT_EQ(p.reserve_tokens({100, 7, 300}), 1024);
  EXPECT_EQ(p.reserve_tokens({1500, 94, 2000}), 2000);
}

TEST(StaticBatching, BatchStopsAtTheFirstRequestWhoseReservationDoesNotFit) {
  FakeBatchView v;
  v.free = 150;
  // Reservations as the instance would compute them: 64 blocks each (1,024 tokens / 16).
  for (int i = 0; i < 4; ++i) v.waiting_q.push_back({100, 64, 300});
  IterationPlan plan;
  make().plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 2u);  // 128 of 150 blocks; a third would need 192
}

TEST(StaticBatching, ArrivedKvJoinsOnlyAtABatchBoundary) {
  FakeBatchView v;
  v.swapped = {10, 10};  // resumable KV (the same rule serves arrived KV)
  v.add_waiting(100);
  v.add_waiting(100);
  v.add_waiting(100);
  IterationPlan plan;
  make().plan_iteration(v, plan);
  EXPECT_EQ(plan.swap_in, 2u);
  EXPECT_EQ(plan.admit, 2u);  // 2 resumed + 2 admitted = max_num_seqs 4
  EXPECT_TRUE(plan.run_decodes);
  v.running.push_back({8, false, false});
  make().plan_iteration(v, plan);
  EXPECT_EQ(plan.swap_in, 0u);
}

}  // namespace
}  // namespace xpusim::policy
