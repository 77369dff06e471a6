#include "xpusim/core/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>
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

// Interleaved pushes, pops and cancellations against an ordered-set reference keyed by
// (time, push number). Time patterns cover ties, pushes at the current time and into the range
// of the front, widely spread times (all bucket levels), bursts that overflow the front, pushes
// before the current minimum (rebase) and the extreme times.
struct RefCase {
  std::uint64_t seed;
  int steps;
  TimeNs spread;      // typical distance of a push after the current time
  int early_per_mil;  // pushes before the earliest pending event, per thousand
  int tie_per_mil;    // pushes at exactly the current time, per thousand
};

// a + b, clamped to the range of TimeNs.
TimeNs sat_add(TimeNs a, TimeNs b) {
  TimeNs r;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? std::numeric_limits<TimeNs>::max() : std::numeric_limits<TimeNs>::min();
}

void run_against_reference(const RefCase& c) {
  EventQueue q;
  Recorder r;
  RngStream rng(c.seed);
  std::set<std::tuple<TimeNs, std::uint64_t>> ref;  // (time, push number)
  std::vector<EventId> ids;                         // by push number
  std::vector<TimeNs> times;
  TimeNs now = 0;
  std::uint64_t pops = 0;
  auto push = [&](TimeNs t) {
    const std::uint64_t n = ids.size();
    ids.push_back(q.push(t, r, static_cast<std::uint32_t>(n * 7), n));
    times.push_back(t);
    ref.insert({t, n});
    ASSERT_TRUE(q.pending(ids.back()));
  };
  for (int step = 0; step < c.steps; ++step) {
    const auto op = rng.uniform_int(0, 99);
    if (op < 45) {
      TimeNs t;
      const auto kind = rng.uniform_int(0, 999);
      if (kind < c.early_per_mil) {
        t = sat_add(now, -rng.uniform_int(0, 3 * c.spread + 2));
      } else if (kind < c.early_per_mil + c.tie_per_mil) {
        t = ref.empty() ? now : std::get<0>(*ref.begin());
      } else if (kind < c.early_per_mil + c.tie_per_mil + 5) {
        t = rng.uniform_int(0, 1) ? std::numeric_limits<TimeNs>::max()
                                  : std::numeric_limits<TimeNs>::min() + rng.uniform_int(0, 3);
      } else if (kind < c.early_per_mil + c.tie_per_mil + 100) {
        t = sat_add(now, rng.uniform_int(0, 300));  // inside the front's range
      } else {
        const auto shift = rng.uniform_int(0, 40);
        t = sat_add(now, rng.uniform_int(0, c.spread) % ((TimeNs{1} << shift) + 1));
      }
            push(t);
      if (rng.uniform_int(0, 9) == 0) {  // a burst at one time or close together
        const auto n = rng.uniform_int(1, 120);
        const auto gap = rng.uniform_int(0, 2);
        for (int i = 0; i < n; ++i) push(sat_add(t, i * gap));
      }
    } else if (op < 85) {
      ASSERT_EQ(q.empty(), ref.empty());
      if (ref.empty()) continue;
      const auto [t, n] = *ref.begin();
      ASSERT_EQ(q.top_time(), t);
      const Event e = q.pop();
      ref.erase(ref.begin());
      ASSERT_EQ(e.time, t) << "pop " << pops;
      ASSERT_EQ(e.payload, n) << "pop " << pops;
      ASSERT_EQ(e.tag, static_cast<std::uint32_t>(n * 7));
      ASSERT_EQ(e.handler, &r);
      ASSERT_FALSE(q.pending(ids[n]));
      ASSERT_FALSE(q.cancel(ids[n]));
      now = t;
      ++pops;
    } else if (!ids.empty()) {
      const auto n = static_cast<std::uint64_t>(rng.uniform_int(0, static_cast<std::int64_t>(ids.size()) - 1));
      const bool was = ref.erase({times[n], n}) == 1;
      ASSERT_EQ(q.pending(ids[n]), was);
      ASSERT_EQ(q.cancel(ids[n]), was);
      ASSERT_FALSE(q.pending(ids[n]));
      ASSERT_FALSE(q.cancel(ids[n]));
    }
    ASSERT_EQ(q.size_live(), ref.size());
  }
  while (!ref.empty()) {
    ASSERT_FALSE(q.empty());
    const auto [t, n] = *ref.begin();
    ref.erase(ref.begin());
    const Event e = q.pop();
    ASSERT_EQ(e.time, t);
    ASSERT_EQ(e.payload, n);
  }
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size_live(), 0u);
  EXPECT_FALSE(q.pending(EventId{}));
  EXPECT_FALSE(q.cancel(EventId{}));
  EXPECT_FALSE(q.cancel(EventId{0, 2}));  // a forged id with an even generation
}

TEST(EventQueue, MatchesReferenceUnderRandomOperations) {
  const RefCase cases[] = {
      {11, 60000, 1'000'000, 0, 50},      // simulator-like: never earlier than now
      {12, 60000, 300, 0, 300},           // dense, many ties
      {13, 60000, 1'000'000'000, 0, 10},  // wide spread
      {14, 30000, 5000, 20, 100},         // pushes before the current minimum
      {15, 30000, 50, 5, 500},            // almost everything at a handful of times
  };
  for (const RefCase& c : cases) {
    SCOPED_TRACE(c.seed);
    run_against_reference(c);
    if (testing::Test::HasFatalFailure()) return;
  }
}

TEST(EventQueue, HoldModelMatchesReference) {
  // The benchmark's pattern (pop the earliest, push it later) at a few sizes, with cancellations.
  for (const std::size_t n : {1u, 10u, 1000u, 20000u}) {
    EventQueue q;
    Recorder r;
    RngStream rng(n);
    std::set<std::tuple<TimeNs, std::uint64_t>> ref;
    std::vector<EventId> ids;
    std::vector<TimeNs> times;
    auto push = [&](TimeNs t) {
      ids.push_back(q.push(t, r, 0, ids.size()));
      times.push_back(t);
      ref.insert({t, ids.size() - 1});
    };
    for (std::size_t i = 0; i < n; ++i) push(rng.uniform_int(0, 4'000'000));
    for (int step = 0; step < 200000; ++step) {
      ASSERT_FALSE(q.empty());
      const auto [t, id] = *ref.begin();
      ref.erase(ref.begin());
      const Event e = q.pop();
      ASSERT_EQ(e.time, t);
      ASSERT_EQ(e.payload, id);
      push(t + 1 + static_cast<TimeNs>(rng.exponential(1e-6)));
      if (step % 10 == 0) {
        const auto v = static_cast<std::uint64_t>(rng.uniform_int(0, static_cast<std::int64_t>(ids.size()) - 1));
        ASSERT_EQ(q.cancel(ids[v]), ref.erase({times[v], v}) == 1);
        push(t + static_cast<TimeNs>(rng.exponential(1e-6)));
      }
      ASSERT_EQ(q.size_live(), ref.size());
    }
  }
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

// Regression: under steady load with new events landing inside the front's time range, the
// front never drained and kept every consumed key (RSS grew ~130 bytes per simulated request).
TEST(EventQueue, MemoryStaysProportionalToPendingEventsUnderSteadyLoad) {
  EventQueue q;
  Recorder r;
  RngStream rng(11);
  for (int i = 0; i < 8; ++i) q.push(rng.uniform_int(0, 10'000'000), r, 0, i);
  for (int step = 0; step < 2'000'000; ++step) {
    const Event e = q.pop();
    q.push(e.time + rng.uniform_int(1'000'000, 12'000'000), r, 0, e.payload);
  }
  EXPECT_EQ(q.size_live(), 8u);
  EXPECT_LT(q.key_capacity(), 100'000u) << "keys retained: " << q.key_capacity();
}

}  // namespace
}  // namespace xpusim
