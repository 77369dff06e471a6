// Equinox's adaptive batching alone, on hand-made instance state: the KV target bounds the
// batch by its final footprint, and the iteration around it is Sarathi's stall-free one.
#include "xpusim/policy/batching/equinox_batching.hpp"

#include <gtest/gtest.h>

#include "fake_batch_view.hpp"

namespace xpusim::policy {
namespace {

using testing::FakeBatchView;

EquinoxBatching make(double kv_target, std::int64_t chunk = 4096) {
  EquinoxBatching::Config c;
  c.kv_target = kv_target;
  c.chunk_size = chunk;
  return EquinoxBatching(c);
}

// 1000 blocks of 16 tokens = 16000 KV tokens. Two decoding sequences that will end at 5000
// tokens together; waiting heads ending at 2000, 900, 1500 and 200 tokens.
FakeBatchView busy_instance() {
  FakeBatchView v;
  v.free = 800;
  v.running = {{100, false, false, 0}, {100, false, false, 0}};
  v.running_final = 5000;
  v.waiting_q = {{1000, 63, 2000}, {500, 32, 900}, {100, 7, 1500}, {100, 7, 200}};
  return v;
}

// kv_target 0.5: 8000 tokens. 5000 + 2000 = 7000 and + 900 = 7900 fit; + 1500 = 9400 does not,
// and admission stops there (the 200-token request behind it waits: FCFS in the fairness
// order). Blocks (800 free) and the budget (4096 - 2 decodes) would have taken all four.
TEST(EquinoxBatching, AdmitsWhileTheFinalFootprintStaysWithinTheTarget) {
  FakeBatchView v = busy_instance();
  EXPECT_EQ(make(0.5).within_target(v), 2u);
  IterationPlan plan;
  make(0.5).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 2u);
  EXPECT_TRUE(plan.run_decodes);  // stall-free: the decodes run beside the new prefills
  EXPECT_EQ(plan.prefill_token_budget, 4094);
  // With the whole cache as target (16000 >= 9600) all four are admitted.
  make(1.0).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 4u);
}

// The batch adapts: the same target holds many short requests or few long ones.
TEST(EquinoxBatching, BatchSizeFollowsTheRequestsLengths) {
  FakeBatchView v;
  for (int i = 0; i < 40; ++i) v.waiting_q.push_back({16, 1, 400});  // 20 fit in 8000 tokens
  EXPECT_EQ(make(0.5).within_target(v), 20u);
  v.waiting_q.assign(40, WaitingInfo{16, 1, 2000});  // 4 fit
  EXPECT_EQ(make(0.5).within_target(v), 4u);
}

// An empty instance always takes its head, even one longer than the target, so no request
// waits forever behind the bound.
TEST(EquinoxBatching, AnEmptyBatchTakesAHeadLongerThanTheTarget) {
  FakeBatchView v;
  v.waiting_q = {{1000, 63, 12000}};
  EXPECT_EQ(make(0.5).within_target(v), 1u);
  IterationPlan plan;
  make(0.5).plan_iteration(v, plan);
  EXPECT_EQ(plan.admit, 1u);
}

}  // namespace
}  // namespace xpusim::policy
