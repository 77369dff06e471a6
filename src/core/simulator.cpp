#include "xpusim/core/simulator.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim {

EventId Simulator::schedule_at(TimeNs time, EventHandler& handler, std::uint32_t tag,
                               std::uint64_t payload) {
  XPUSIM_CHECK(time >= now_, "event scheduled in the past");
  return queue_.push(time, handler, tag, payload);
}

void Simulator::run(TimeNs until) {
  stopped_ = false;
  while (!stopped_ && !queue_.empty()) {
    if (queue_.top_time() > until) break;
    const Event ev = queue_.pop();
    XPUSIM_DEBUG_CHECK(ev.time >= now_, "clock went backwards");
    now_ = ev.time;
    ++events_processed_;
    ev.handler->on_event(ev.tag, ev.payload);
    if (progress_every_ != 0 && events_processed_ % progress_every_ == 0) progress_hook_();
  }
}

}  // namespace xpusim
