// The run guards of the event loop: event cap, livelock watchdog, external stop poll.
#include <gtest/gtest.h>

#include "xpusim/core/simulator.hpp"

namespace xpusim {
namespace {

// Reschedules itself `delay` later, forever: with delay 0 a livelock, otherwise a steady clock.
struct Spinner : EventHandler {
  Simulator& sim;
  TimeNs delay;
  std::uint64_t runs = 0;
  Spinner(Simulator& s, TimeNs d) : sim(s), delay(d) {}
  void on_event(std::uint32_t tag, std::uint64_t) override {
    ++runs;
    sim.schedule_after(delay, *this, tag);
  }
  std::string describe() const override { return "spinner"; }
};

// An anonymous handler keeps the default description (its type name).
struct Quiet : EventHandler {
  void on_event(std::uint32_t, std::uint64_t) override {}
};

TEST(SimulatorGuard, MaxEventsStopsAtExactlyThatManyEvents) {
  Simulator sim;
  Spinner s(sim, 5);
  sim.set_guard({.max_events = 1000, .check_every = 64});
  sim.schedule_at(0, s);
  sim.run();
  EXPECT_EQ(sim.stop_reason(), StopReason::MaxEvents);
  EXPECT_EQ(sim.events_processed(), 1000U);
  EXPECT_EQ(s.runs, 1000U);
  EXPECT_NE(sim.stop_detail().find("1000 events"), std::string::npos) << sim.stop_detail();
}

TEST(SimulatorGuard, WatchdogNamesTheHandlerSpinningAtOneInstant) {
  Simulator sim;
  Spinner ok(sim, 7);  // keeps time moving until the spinner starts
  Spinner spin(sim, 0);
  sim.set_guard({.stall_events = 10'000, .check_every = 256});
  sim.schedule_at(0, ok);
  sim.schedule_at(700, spin, 3);
  sim.run(1'000'000);
  ASSERT_EQ(sim.stop_reason(), StopReason::Stalled);
  const std::string& d = sim.stop_detail();
  EXPECT_NE(d.find("spinner (tag 3)"), std::string::npos) << d;
  EXPECT_NE(d.find("7e-07 s"), std::string::npos) << d;  // the stalled instant, 700 ns
  EXPECT_EQ(sim.now(), 700);
  // Stopped within two check periods of the limit (plus the diagnosis sample).
  EXPECT_LT(sim.events_processed(), 100 + 10'000 + 2 * 256 + 4096U);
}

TEST(SimulatorGuard, ManyEventsWhileTimeAdvancesAreNotAStall) {
  Simulator sim;
  Spinner s(sim, 1);
  sim.set_guard({.stall_events = 1000, .check_every = 16});
  sim.schedule_at(0, s);
  sim.run(200'000);
  EXPECT_EQ(sim.stop_reason(), StopReason::Done);
  EXPECT_EQ(sim.now(), 200'000);
}

TEST(SimulatorGuard, StopPollInterruptsAndDefaultDescriptionIsTheTypeName) {
  Simulator sim;
  Spinner s(sim, 1);
  std::uint64_t polls = 0;
  sim.set_guard({.should_stop = [&] { return ++polls == 3; }, .check_every = 100});
  sim.schedule_at(0, s);
  sim.run();
  EXPECT_EQ(sim.stop_reason(), StopReason::Interrupted);
  EXPECT_EQ(sim.events_processed(), 300U);
  Quiet q;
  EXPECT_NE(q.describe().find("Quiet"), std::string::npos) << q.describe();
}

TEST(SimulatorGuard, ProgressHookStillFiresOnItsOwnPeriodUnderAGuard) {
  Simulator sim;
  Spinner s(sim, 1);
  int hooks = 0;
  sim.set_progress_hook([&] { ++hooks; }, 1000);
  sim.set_guard({.max_events = 5500, .check_every = 333});
  sim.schedule_at(0, s);
  sim.run();
  EXPECT_EQ(hooks, 5);
  EXPECT_EQ(sim.stop_reason(), StopReason::MaxEvents);
}

}  // namespace
}  // namespace xpusim
