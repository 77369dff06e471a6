// The switch-memory policies alone, on a hand-made switch state.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "xpusim/policy/switch_memory/atp.hpp"
#include "xpusim/policy/switch_memory/esa.hpp"
#include "xpusim/policy/switch_memory/static_pool.hpp"

namespace xpusim::policy {
namespace {

class FakeSwitch : public SwitchMemoryView {
 public:
  explicit FakeSwitch(std::int64_t slots, std::int32_t index = 0)
      : slots_(static_cast<std::size_t>(slots)), index_(index) {}
  std::int32_t switch_index() const override { return index_; }
  std::int64_t slot_count() const override { return static_cast<std::int64_t>(slots_.size()); }
  SlotHolder slot(std::int64_t i) const override { return slots_[static_cast<std::size_t>(i)]; }
  double remaining_bytes(std::int32_t job) const override { return remaining.at(job); }
  TimeNs arrival_ns(std::int32_t job) const override { return arrival.at(job); }

  void hold(std::int64_t i, SlotState state, std::int32_t job, std::int64_t chunk) {
    slots_[static_cast<std::size_t>(i)] = {state, job, chunk, 1};
  }
  std::map<std::int32_t, double> remaining;
  std::map<std::int32_t, TimeNs> arrival;

 private:
  std::vector<SlotHolder> slots_;
  std::int32_t index_;
};

// The first chunk number of `job` whose hashed slot is `slot` (so tests can aim collisions).
std::int64_t chunk_hashing_to(std::int32_t job, std::int64_t slot, std::int64_t slots) {
  for (std::int64_t c = 0;; ++c)
    if (hashed_slot({job, c}, slots) == slot) return c;
}

TEST(SwitchMemoryHash, SpreadsOverThePoolAndDependsOnJob) {
  std::vector<int> hits(16, 0);
  for (std::int64_t c = 0; c < 16000; ++c)
    ++hits[static_cast<std::size_t>(hashed_slot({3, c}, 16))];
  for (int h : hits) {
    EXPECT_GT(h, 800);  // 1000 expected per slot
    EXPECT_LT(h, 1200);
  }
  int same = 0;
  for (std::int64_t c = 0; c < 1000; ++c)
    same += hashed_slot({1, c}, 1024) == hashed_slot({2, c}, 1024);
  EXPECT_LT(same, 10);  // about 1 in 1024 by chance
}

TEST(StaticPool, JobsOwnDisjointPoolsAndUseSlotIModPool) {
  FakeSwitch sw(16);
  StaticPool p({.partitions = 4, .fallback_window_packets = 7});
  p.on_iteration_start(sw, 0);
  p.on_iteration_start(sw, 1);
  EXPECT_EQ(p.pool_of(0), 0);
  EXPECT_EQ(p.pool_of(1), 1);
  EXPECT_EQ(p.window_packets(sw, 0), 4);  // self-clocked: window = pool
  EXPECT_EQ(p.place(sw, {0, 9}), (SlotDecision{SlotAction::Claim, 0 * 4 + 9 % 4}));
  EXPECT_EQ(p.place(sw, {1, 6}), (SlotDecision{SlotAction::Claim, 1 * 4 + 6 % 4}));
  // A job keeps its pool across iterations.
  p.on_iteration_start(sw, 0);
  EXPECT_EQ(p.pool_of(0), 0);
}

TEST(StaticPool, JobWithoutPoolFallsBackUntilOneFrees) {
  FakeSwitch sw(8);
  StaticPool p({.partitions = 2, .fallback_window_packets = 7});
  p.on_iteration_start(sw, 0);
  p.on_iteration_start(sw, 1);
  p.on_iteration_start(sw, 2);
  EXPECT_EQ(p.pool_of(2), -1);
  EXPECT_EQ(p.window_packets(sw, 2), 7);
  EXPECT_EQ(p.place(sw, {2, 0}).action, SlotAction::Fallback);
  p.on_job_end(0);
  p.on_iteration_start(sw, 2);  // next iteration: the freed pool
  EXPECT_EQ(p.pool_of(2), 0);
  EXPECT_EQ(p.place(sw, {2, 5}), (SlotDecision{SlotAction::Claim, 1}));
}

// Two rack switches of 12 slots cut into 3 pools of 4: the pools of each switch are handed out
// independently (lowest free first), so job 3, crowded out of switch 0 by jobs 0-2, owns pool 0
// of switch 1; its window is the pool size only where it owns a pool; a finished job frees its
// pool on every switch.
TEST(StaticPool, EverySwitchCutsItsOwnMemoryAndAJobEndFreesItsPoolsEverywhere) {
  FakeSwitch rack0(12, 0), rack1(12, 1);
  StaticPool p({.partitions = 3, .fallback_window_packets = 7});
  for (std::int32_t j : {0, 1, 2, 3}) p.on_iteration_start(rack0, j);
  for (std::int32_t j : {3, 0}) p.on_iteration_start(rack1, j);
  EXPECT_EQ(p.pool_of(2, 0), 2);
  EXPECT_EQ(p.pool_of(3, 0), -1);
  EXPECT_EQ(p.pool_of(3, 1), 0);
  EXPECT_EQ(p.pool_of(0, 1), 1);
  EXPECT_EQ(p.pool_of(1, 1), -1);
  EXPECT_EQ(p.window_packets(rack0, 3), 7);
  EXPECT_EQ(p.window_packets(rack1, 3), 12 / 3);
  EXPECT_EQ(p.place(rack0, {3, 5}).action, SlotAction::Fallback);
  EXPECT_EQ(p.place(rack1, {3, 5}), (SlotDecision{SlotAction::Claim, 0 * 4 + 5 % 4}));
  EXPECT_EQ(p.place(rack1, {0, 6}), (SlotDecision{SlotAction::Claim, 1 * 4 + 6 % 4}));
  p.on_job_end(0);
  EXPECT_EQ(p.pool_of(0, 0), -1);
  EXPECT_EQ(p.pool_of(0, 1), -1);
  p.on_iteration_start(rack0, 3);  // job 3's next iteration: job 0's pool on switch 0
  EXPECT_EQ(p.pool_of(3, 0), 0);
  p.on_iteration_start(rack1, 1);
  EXPECT_EQ(p.pool_of(1, 1), 1);
}

TEST(Atp, ClaimsAFreeHashedSlotAndFallsBackOnAnyCollision) {
  FakeSwitch sw(64);
  Atp p(32);
  EXPECT_EQ(p.window_packets(sw, 0), 32);
  EXPECT_TRUE(p.release_on_ack());
  const std::int64_t c = 5;
  const std::int64_t slot = hashed_slot({1, c}, 64);
  EXPECT_EQ(p.place(sw, {1, c}), (SlotDecision{SlotAction::Claim, slot}));
  for (SlotState held : {SlotState::Aggregating, SlotState::Complete}) {
    sw.hold(slot, held, 0, 77);
    EXPECT_EQ(p.place(sw, {1, c}).action, SlotAction::Fallback);
  }
}

TEST(Esa, TakesSlotsWhoseAggregateOnlyAwaitsItsAck) {
  FakeSwitch sw(64);
  sw.remaining = {{0, 1e3}, {1, 1e9}};
  Esa p({.window_packets = 16, .priority = Esa::Priority::LeastRemaining});
  const std::int64_t c = chunk_hashing_to(1, 10, 64);
  sw.hold(10, SlotState::Complete, 0, 3);  // even a higher-priority job's finished aggregate
  EXPECT_EQ(p.place(sw, {1, c}), (SlotDecision{SlotAction::Preempt, 10}));
  // The ablation treats it as held: the lower-priority job 1 falls back.
  Esa held({.window_packets = 16,
            .priority = Esa::Priority::LeastRemaining,
            .take_complete_slots = false});
  EXPECT_EQ(held.place(sw, {1, c}).action, SlotAction::Fallback);
  sw.hold(10, SlotState::Complete, 1, 3);
  EXPECT_EQ(held.place(sw, {0, chunk_hashing_to(0, 10, 64)}),
            (SlotDecision{SlotAction::Preempt, 10}));
}

TEST(Esa, PreemptsAPartialAggregateOnlyForStrictlyHigherPriority) {
  FakeSwitch sw(64);
  sw.remaining = {{0, 5e6}, {1, 1e6}, {2, 5e6}};
  Esa p({.window_packets = 16, .priority = Esa::Priority::LeastRemaining});
  sw.hold(20, SlotState::Aggregating, 0, 3);
  EXPECT_EQ(p.place(sw, {1, chunk_hashing_to(1, 20, 64)}), (SlotDecision{SlotAction::Preempt, 20}));
  // Equal priority and the holder's own job never preempt.
  EXPECT_EQ(p.place(sw, {2, chunk_hashing_to(2, 20, 64)}).action, SlotAction::Fallback);
  EXPECT_EQ(p.place(sw, {0, chunk_hashing_to(0, 20, 64)}).action, SlotAction::Fallback);
  // Lower priority (more remaining) falls back.
  sw.hold(20, SlotState::Aggregating, 1, 3);
  EXPECT_EQ(p.place(sw, {0, chunk_hashing_to(0, 20, 64)}).action, SlotAction::Fallback);
}

TEST(Esa, EarliestArrivalRuleRanksByArrival) {
  FakeSwitch sw(64);
  sw.remaining = {{0, 1e3}, {1, 1e9}};
  sw.arrival = {{0, 500}, {1, 100}};
  Esa p({.window_packets = 16, .priority = Esa::Priority::EarliestArrival});
  EXPECT_TRUE(p.outranks(sw, 1, 0));
  EXPECT_FALSE(p.outranks(sw, 0, 1));
  sw.hold(7, SlotState::Aggregating, 0, 1);
  EXPECT_EQ(p.place(sw, {1, chunk_hashing_to(1, 7, 64)}), (SlotDecision{SlotAction::Preempt, 7}));
}

}  // namespace
}  // namespace xpusim::policy
