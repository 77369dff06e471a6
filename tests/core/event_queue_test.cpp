#include "xpusim/core/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/core/simulator.hpp"

namespace xpusim {
namespace {

struct Recorder : EventHandler {
  std::vector<std::uint64_t> payloads;
  std::vector<TimeNs> times;
  Simulator* sim = nullptr;
  void on_event(std::uint32_t, std::uint64_t payload) override {
    payloads.push_back(payload);
    if (sim) times.push_back(sim->now());
  }
};

TEST(EventQueue, OrdersByTimeThenInsertion) {
  EventQueue q;
  Recorder r;
  q.push(20, r, 0, 1);
  q.push(10, r, 0, 2);
  q.push(20, r, 0, 3);
  q.push(10, r, 0, 4);
  std::vector<std::uint64_t> order;
  while (!q.empty()) order.push_back(q.pop().payload);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 4, 1, 3}));
}

TEST(EventQueue, CancelledEventNeverRuns) {
  EventQueue q;
  Recorder r;
  EventId a = q.push(5, r, 0, 1);
  q.push(6, r, 0, 2);
  EXPECT_TRUE(q.pending(a));
  EXPECT_TRUE(q.cancel(a));
  EXPECT_FALSE(q.pending(a));
  EXPECT_FALSE(q.cancel(a));
  EXPECT_EQ(q.size_live(), 1u);
  EXPECT_EQ(q.pop().payload, 2u);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, StaleIdDoesNotCancelRecycledSlot) {
  EventQueue q;
  Recorder r;
  EventId a = q.push(1, r, 0, 1);
  q.pop();                          // a ran; its slot is free
  EventId b = q.push(2, r, 0, 2);   // likely reuses the slot
  EXPECT_FALSE(q.cancel(a));
  EXPECT_TRUE(q.pending(b));
  EXPECT_EQ(q.pop().payload, 2u);
}

TEST(EventQueue, RandomisedMatchesSortedOrder) {
  EventQueue q;
  Recorder r;
  RngStream rng(7);
  std::vector<std::pair<TimeNs, std::uint64_t>> expected;
  std::vector<EventId> ids;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    TimeNs t = rng.uniform_int(0, 1000);
    ids.push_back(q.push(t, r, 0, i));
    expected.push_back({t, i});
  }
  // Cancel every third event.
  std::vector<bool> cancelled(expected.size(), false);
  for (std::size_t i = 0; i < ids.size(); i += 3) {
    q.cancel(ids[i]);
    cancelled[i] = true;
  }
  std::vector<std::pair<TimeNs, std::uint64_t>> kept;
  for (std::size_t i = 0; i < expected.size(); ++i)
    if (!cancelled[i]) kept.push_back(expected[i]);
  std::stable_sort(kept.begin(), kept.end(),
                   [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<std::pair<TimeNs, std::uint64_t>> got;
  while (!q.empty()) {
    Event e = q.pop();
    got.push_back({e.time, e.payload});
  }
  EXPECT_EQ(got, kept);
}

TEST(Simulator, ClockAdvancesMonotonicallyAndStopsAtHorizon) {
  Simulator sim;
  Recorder r;
  r.sim = &sim;
  sim.schedule_at(30, r, 0, 3);
  sim.schedule_at(10, r, 0, 1);
  sim.schedule_at(50, r, 0, 5);
  sim.run(40);
  EXPECT_EQ(r.times, (std::vector<TimeNs>{10, 30}));
  EXPECT_EQ(sim.pending_events(), 1u);
  EXPECT_THROW(sim.schedule_at(5, r), InvariantError);
}

}  // namespace
}  // namespace xpusim
