// A serving instance failing mid-iteration and recovering (docs/faults.md), on a hand-made
// instance with hand-checkable timing.
#include <gtest/gtest.h>

#include "serving_test_support.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;

// Four requests: prompts 100 tokens, 50 output tokens each; an iteration takes >= 1 ms, so at
// 5 ms all four are admitted and decoding, holding KV, and an iteration is in flight.
TEST(InstanceFailure, FailReturnsEveryHeldRequestAndFreesAllKv) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  auto inst = make_instance(sim, exec, obs, 1000);
  for (std::uint64_t i = 0; i < 4; ++i) inst->enqueue(request(3 - i, 0, 100, 50), 0);
  sim.run(5'000'000);
  ASSERT_EQ(inst->outstanding(), 4);
  ASSERT_GT(inst->kv().allocated(), 0);
  const std::int64_t iterations_before = obs.iterations;

  const auto held = inst->fail(sim.now());
  ASSERT_EQ(held.size(), 4u);
  // Arrival order, then id: all arrived at 0, so ids 0..3.
  for (std::size_t i = 0; i < held.size(); ++i) EXPECT_EQ(held[i].id, i);
  EXPECT_EQ(held[0].prompt_tokens, 100);
  EXPECT_EQ(held[0].output_tokens, 50);
  EXPECT_TRUE(inst->down());
  EXPECT_EQ(inst->outstanding(), 0);
  EXPECT_EQ(inst->kv().allocated(), 0);
  EXPECT_EQ(inst->pending_prefill_tokens(), 0);
  EXPECT_EQ(inst->swap_used_blocks(), 0);
  inst->check_invariants();

  // The aborted iteration never completes: nothing finishes, no iteration is published.
  sim.run();
  EXPECT_EQ(obs.iterations, iterations_before);
  EXPECT_TRUE(obs.done.empty());

  // After recovery it serves again from an empty state, and finishes the re-submitted work.
  inst->recover(sim.now());
  EXPECT_FALSE(inst->down());
  for (auto r : held) inst->enqueue(std::move(r), sim.now());
  sim.run();
  ASSERT_EQ(obs.done.size(), 4u);
  for (const auto& r : obs.done) EXPECT_EQ(r.outcome, RequestOutcome::Completed);
  EXPECT_EQ(inst->kv().allocated(), 0);
  EXPECT_TRUE(obs.iterations_ordered);
}

TEST(InstanceFailure, RoutingToAFailedInstanceIsAnInvariantViolation) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  auto inst = make_instance(sim, exec, obs, 1000);
  EXPECT_TRUE(inst->fail(0).empty());  // an idle instance holds nothing
  EXPECT_THROW(inst->enqueue(request(0, 0, 10, 1), 0), InvariantError);
  EXPECT_THROW(inst->fail(0), InvariantError);  // already down
  inst->recover(0);
  EXPECT_THROW(inst->recover(0), InvariantError);  // already up
}

}  // namespace
}  // namespace xpusim::systems
