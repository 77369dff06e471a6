#include "xpusim/hw/memory_domain.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "xpusim/core/error.hpp"

namespace xpusim::hw {
namespace {

// Bandwidth of 1 byte per ns makes demands easy to reason about: an op of S ns moving S
// bytes demands exactly the whole domain.
constexpr double kOneBytePerNs = 1e9;

struct Recorder : OpListener {
  std::vector<std::pair<std::uint64_t, TimeNs>> done;
  void on_op_done(std::uint64_t cookie, TimeNs now) override { done.emplace_back(cookie, now); }
  TimeNs at(std::uint64_t cookie) const {
    for (const auto& [c, t] : done)
      if (c == cookie) return t;
    return -1;
  }
};

// Starts an operation on the domain at a chosen simulated time.
struct Starter : EventHandler {
  MemoryDomain& domain;
  Recorder& recorder;
  TimeNs standalone_ns;
  double bytes;
  std::uint64_t cookie;
  OpHandle handle;
  Starter(MemoryDomain& d, Recorder& r, TimeNs s, double b, std::uint64_t c)
      : domain(d), recorder(r), standalone_ns(s), bytes(b), cookie(c) {}
  void on_event(std::uint32_t, std::uint64_t) override {
    handle = domain.start(standalone_ns, bytes, recorder, cookie);
  }
};

TEST(MemoryDomain, SingleOpCompletesExactlyAfterStandaloneTime) {
  Simulator sim;
  MemoryDomain mem(sim, kOneBytePerNs);
  Recorder rec;
  // Demand equal to the bandwidth is not contention: no slowdown.
  Starter s(mem, rec, 1234, 1234.0, 7);
  sim.schedule_at(100, s);
  sim.run();
  ASSERT_EQ(rec.done.size(), 1u);
  EXPECT_EQ(rec.at(7), 100 + 1234);
  EXPECT_EQ(mem.active(), 0u);
}

TEST(MemoryDomain, OverlappedOpsSlowDownAndSurvivorSpeedsUp) {
  Simulator sim;
  MemoryDomain mem(sim, kOneBytePerNs);
  Recorder rec;
  // A: 1000 ns alone, demands the whole bandwidth. B starts at 500, same shape.
  // At 500 A has 1/2 left; with demand 2x bandwidth both run at half speed, so A needs
  // 0.5 * 1000 * 2 = 1000 ns more -> done at 1500. B did 1000 / 2000 = 1/2 by then and
  // runs alone at full speed for its last 500 ns -> done at 2000 (not 2500).
  Starter a(mem, rec, 1000, 1000.0, 1), b(mem, rec, 1000, 1000.0, 2);
  sim.schedule_at(0, a);
  sim.schedule_at(500, b);
  sim.run(600);
  EXPECT_DOUBLE_EQ(mem.slowdown(), 2.0);
  sim.run();
  EXPECT_EQ(rec.at(1), 1500);
  EXPECT_EQ(rec.at(2), 2000);
  EXPECT_DOUBLE_EQ(mem.slowdown(), 1.0);
}

TEST(MemoryDomain, UnevenDemandsWithThirds) {
  Simulator sim;
  MemoryDomain mem(sim, kOneBytePerNs);
  Recorder rec;
  // A: 3000 ns, demand 0.9 B/ns. B starts at 1000: 3000 ns, demand 0.6 B/ns. Sum 1.5 -> both
  // at 1/1.5 speed. A has 2/3 left at 1000 -> 2/3 * 3000 * 1.5 = 3000 ns -> done at 4000.
  // B progresses 3000 / 4500 = 2/3 by 4000, then 1/3 * 3000 = 1000 ns alone -> done at 5000.
  Starter a(mem, rec, 3000, 2700.0, 1), b(mem, rec, 3000, 1800.0, 2);
  sim.schedule_at(0, a);
  sim.schedule_at(1000, b);
  sim.run();
  EXPECT_EQ(rec.at(1), 4000);
  EXPECT_EQ(rec.at(2), 5000);
}

TEST(MemoryDomain, OpsWithinBandwidthAreNotSlowed) {
  Simulator sim;
  MemoryDomain mem(sim, kOneBytePerNs);
  Recorder rec;
  // 0.4 + 0.5 + 0.1 = 1.0 B/ns: exactly the bandwidth, so nobody slows down.
  Starter a(mem, rec, 1000, 400.0, 1), b(mem, rec, 700, 350.0, 2), c(mem, rec, 50, 5.0, 3);
  sim.schedule_at(0, a);
  sim.schedule_at(200, b);
  sim.schedule_at(300, c);
  sim.run();
  EXPECT_EQ(rec.at(1), 1000);
  EXPECT_EQ(rec.at(2), 900);
  EXPECT_EQ(rec.at(3), 350);
}

// Aborts an operation at a chosen simulated time and keeps the done fraction.
struct Aborter : EventHandler {
  MemoryDomain& domain;
  const OpHandle& handle;
  double done = -1;
  Aborter(MemoryDomain& d, const OpHandle& h) : domain(d), handle(h) {}
  void on_event(std::uint32_t, std::uint64_t) override { done = domain.abort(handle); }
};

TEST(MemoryDomain, AbortReturnsDoneFractionAndFreesBandwidth) {
  Simulator sim;
  MemoryDomain mem(sim, kOneBytePerNs);
  Recorder rec;
  Starter a(mem, rec, 1000, 1000.0, 1), b(mem, rec, 1000, 1000.0, 2);
  Aborter abort_a(mem, a.handle);
  sim.schedule_at(0, a);
  sim.schedule_at(0, b);
  sim.schedule_at(500, abort_a);
  sim.run();
  // Both at half speed for 500 ns: 500 / 2000 = 1/4 done.
  EXPECT_DOUBLE_EQ(abort_a.done, 0.25);
  EXPECT_EQ(rec.at(1), -1);         // an aborted op is never reported done
  EXPECT_EQ(rec.at(2), 500 + 750);  // B alone for its remaining 3/4
  EXPECT_EQ(mem.active(), 0u);
  EXPECT_THROW(mem.abort(a.handle), InvariantError);  // stale handle
}

TEST(MemoryDomain, ReusedSlotsAreDeterministicAndStaleHandlesRejected) {
  // Many sequential ops reuse one slot; each still completes exactly on time.
  Simulator sim;
  MemoryDomain mem(sim, kOneBytePerNs);
  Recorder rec;
  std::vector<Starter> starters;
  starters.reserve(100);
  for (int i = 0; i < 100; ++i) {
    starters.emplace_back(mem, rec, 10, 10.0, i);
    sim.schedule_at(i * 100, starters.back());
  }
  sim.run();
  ASSERT_EQ(rec.done.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rec.at(i), i * 100 + 10);
  EXPECT_EQ(starters[0].handle.index, starters[99].handle.index);
  EXPECT_NE(starters[0].handle.generation, starters[99].handle.generation);
}

TEST(MemoryDomain, OpDemandingMoreThanBandwidthIsNotSlowedAlone) {
  Simulator sim;
  MemoryDomain mem(sim, kOneBytePerNs);
  Recorder rec;
  // Demand 3 B/ns is capped at 1 B/ns: alone it takes its standalone time; with a second
  // full-bandwidth op both run at half speed (A: 1/2 left at 500 -> +1000 -> 1500).
  Starter a(mem, rec, 1000, 3000.0, 1), b(mem, rec, 1000, 3000.0, 2), c(mem, rec, 1000, 1000.0, 3);
  sim.schedule_at(0, a);
  sim.run();
  EXPECT_EQ(rec.at(1), 1000);
  sim.schedule_at(2000, b);
  sim.schedule_at(2500, c);
  sim.run();
  EXPECT_EQ(rec.at(2), 3500);
  EXPECT_EQ(rec.at(3), 4000);
}

TEST(MemoryDomain, ZeroDurationOpCompletesAtOnce) {
  Simulator sim;
  MemoryDomain mem(sim, kOneBytePerNs);
  Recorder rec;
  Starter a(mem, rec, 0, 100.0, 1);
  sim.schedule_at(42, a);
  sim.run();
  EXPECT_EQ(rec.at(1), 42);
}

}  // namespace
}  // namespace xpusim::hw
