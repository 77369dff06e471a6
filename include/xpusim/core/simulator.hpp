#pragma once
// The event loop: owns the clock and the pending-event set.
#include <cstdint>
#include <functional>

#include "xpusim/core/event_queue.hpp"
#include "xpusim/core/time.hpp"

namespace xpusim {

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
};

}  // namespace xpusim
