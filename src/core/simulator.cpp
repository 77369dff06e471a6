#include "xpusim/core/simulator.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <typeinfo>
#include <vector>

#include "xpusim/core/error.hpp"

namespace xpusim {

namespace {
// Simulated time for messages, exact to the nanosecond at any scale.
std::string seconds_text(TimeNs t) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g s", ns_to_seconds(t));
  return buf;
}
}  // namespace

std::string EventHandler::describe() const {
  const char* mangled = typeid(*this).name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                              std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

EventId Simulator::schedule_at(TimeNs time, EventHandler& handler, std::uint32_t tag,
                               std::uint64_t payload) {
  XPUSIM_CHECK(time >= now_, "event scheduled in the past");
  return queue_.push(time, handler, tag, payload);
}

void Simulator::set_guard(RunGuard guard) {
  guard_ = std::move(guard);
  if (guard_.check_every == 0) guard_.check_every = 1;
}

// One counter comparison per event covers the progress hook, the event limit, the watchdog and
// the wall-clock/signal poll: the per-event cost is the same as the old progress test.
void Simulator::schedule_next_check() {
  std::uint64_t step = UINT64_MAX;
  if (progress_every_ != 0) step = progress_every_ - events_processed_ % progress_every_;
  if (guard_.stall_events != 0 || guard_.should_stop) step = std::min(step, guard_.check_every);
  if (guard_.max_events != 0)
    step = std::min(step, guard_.max_events > events_processed_ ? guard_.max_events - events_processed_ : 1);
  next_check_ = step == UINT64_MAX ? UINT64_MAX : events_processed_ + step;
}

bool Simulator::check() {
  if (progress_every_ != 0 && events_processed_ % progress_every_ == 0) progress_hook_();
  if (guard_.max_events != 0 && events_processed_ >= guard_.max_events) {
    stop_reason_ = StopReason::MaxEvents;
    stop_detail_ = "reached " + std::to_string(guard_.max_events) + " events at simulated " + seconds_text(now_);
    return false;
  }
  if (guard_.stall_events != 0) {
    if (now_ != stall_time_) {
      stall_time_ = now_;
      stall_since_ = events_processed_;
    } else if (events_processed_ - stall_since_ >= guard_.stall_events) {
      stop_reason_ = StopReason::Stalled;
      stop_detail_ = std::to_string(events_processed_ - stall_since_) +
                     " events without simulated time advancing past " +
                     seconds_text(now_) + "; " + diagnose_stall(4096);
      return false;
    }
  }
  if (guard_.should_stop && guard_.should_stop()) {
    stop_reason_ = StopReason::Interrupted;
    return false;
  }
  schedule_next_check();
  return true;
}

std::string Simulator::diagnose_stall(std::uint64_t n) {
  std::map<EventHandler*, std::pair<std::uint64_t, std::uint32_t>> seen;  // count, last tag
  for (std::uint64_t i = 0; i < n && !queue_.empty() && queue_.top_time() == now_; ++i) {
    const Event ev = queue_.pop();
    ++events_processed_;
    auto& [count, tag] = seen[ev.handler];
    ++count;
    tag = ev.tag;
    ev.handler->on_event(ev.tag, ev.payload);
  }
  if (seen.empty()) return "no event pending at that instant";
  std::vector<std::pair<std::uint64_t, std::string>> rows;
  for (const auto& [h, ct] : seen)
    rows.emplace_back(ct.first, h->describe() + " (tag " + std::to_string(ct.second) + ")");
  // Busiest first; ties by name so the message does not depend on handler addresses.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::uint64_t total = 0;
  for (const auto& r : rows) total += r.first;
  std::string out = "spinning: ";
  for (std::size_t i = 0; i < rows.size() && i < 3; ++i)
    out += (i ? ", " : "") + rows[i].second + " " + std::to_string(rows[i].first) + " of " +
           std::to_string(total) + " events";
  return out;
}

void Simulator::run(TimeNs until) {
  stopped_ = false;
  stop_reason_ = StopReason::Done;
  stop_detail_.clear();
  stall_time_ = now_;
  stall_since_ = events_processed_;
  schedule_next_check();
  while (!stopped_ && !queue_.empty()) {
    if (queue_.top_time() > until) break;
    const Event ev = queue_.pop();
    XPUSIM_DEBUG_CHECK(ev.time >= now_, "clock went backwards");
    now_ = ev.time;
    ++events_processed_;
    ev.handler->on_event(ev.tag, ev.payload);
    if (events_processed_ >= next_check_) [[unlikely]] {
      if (!check()) return;
    }
  }
  if (stopped_) stop_reason_ = StopReason::Stopped;
}

}  // namespace xpusim
