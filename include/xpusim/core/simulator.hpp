#pragma once
// The event loop: owns the clock and the pending-event set.
#include <cstdint>
#include <functional>
#include <string>

#include "xpusim/core/event_queue.hpp"
#include "xpusim/core/time.hpp"

namespace xpusim {

// Why Simulator::run returned.
enum class StopReason {
  Done,         // no event left, or the next one is past `until`
  Stopped,      // stop() was called (a model decided the run is over)
  MaxEvents,    // RunGuard::max_events reached
  Stalled,      // the watchdog saw no progress in simulated time
  Interrupted,  // RunGuard::should_stop said so (wall-clock limit, SIGINT/SIGTERM)
};

// Limits a run observes. Checked every `check_every` events, off the per-event path.
struct RunGuard {
  std::uint64_t max_events = 0;  // 0: no limit
  // Livelock watchdog: this many events in a row at one simulated instant stop the run
  // (rounded up to a multiple of check_every). 0: off.
  std::uint64_t stall_events = 0;
  // Polled at each check; returning true stops the run as Interrupted (wall clock, signals).
  std::function<bool()> should_stop;
  std::uint64_t check_every = 1 << 16;
};

class Simulator {
 public:
  TimeNs now() const { return now_; }
  // Schedules at an absolute time; a time in the past is an invariant violation.
  EventId schedule_at(TimeNs time, EventHandler& handler, std::uint32_t tag = 0,
                      std::uint64_t payload = 0);
  EventId schedule_after(TimeNs delay, EventHandler& handler, std::uint32_t tag = 0,
                         std::uint64_t payload = 0) {
    return schedule_at(now_ + delay, handler, tag, payload);
  }
  bool cancel(EventId id) { return queue_.cancel(id); }
  bool pending(EventId id) const { return queue_.pending(id); }

  // Runs events until none is left, the next one is later than `until`, or stop() is called.
  // The clock ends at the last event's time (never beyond `until`).
  void run(TimeNs until = kTimeNever);
  void stop() { stopped_ = true; }
  std::uint64_t events_processed() const { return events_processed_; }
  void set_guard(RunGuard guard);
  StopReason stop_reason() const { return stop_reason_; }
  // For MaxEvents and Stalled: what was found (the stalled instant and the handlers that
  // kept scheduling there, busiest first).
  const std::string& stop_detail() const { return stop_detail_; }
  std::size_t pending_events() const { return queue_.size_live(); }
  EventQueue& queue() { return queue_; }
  // Calls `hook` every `every_events` events (progress reporting; must not touch model state).
  void set_progress_hook(std::function<void()> hook, std::uint64_t every_events) {
    progress_hook_ = std::move(hook);
    progress_every_ = every_events;
  }

 private:
  EventQueue queue_;
  TimeNs now_ = 0;
  std::uint64_t events_processed_ = 0;
  bool stopped_ = false;
  std::function<void()> progress_hook_;
  std::uint64_t progress_every_ = 0;
  RunGuard guard_;
  std::uint64_t next_check_ = UINT64_MAX;  // events_processed_ at which to call check()
  StopReason stop_reason_ = StopReason::Done;
  std::string stop_detail_;
  TimeNs stall_time_ = kTimeNever;      // simulated time at the previous check
  std::uint64_t stall_since_ = 0;       // events_processed_ when the clock last moved (at a check)

  void schedule_next_check();
  // Progress hook, limits and watchdog; false when the run must stop.
  bool check();
  // Runs up to `n` more events at the stalled instant, counting which handlers they go to.
  std::string diagnose_stall(std::uint64_t n);
};

}  // namespace xpusim
