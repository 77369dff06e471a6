#include "xpusim/core/event_queue.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim {

void EventQueue::reserve(std::size_t n) {
  heap_.reserve(n);
  slots_.reserve(n);
  free_slots_.reserve(n);
}

EventId EventQueue::push(TimeNs time, EventHandler& handler, std::uint32_t tag,
                         std::uint64_t payload) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    XPUSIM_CHECK(slots_.size() < UINT32_MAX - 1, "too many pending events");
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.handler = &handler;
  s.payload = payload;
  s.tag = tag;
  s.live = true;
  heap_.emplace_back();
  sift_up(heap_.size() - 1, Key{time, next_seq_++, slot});
  ++live_;
  return EventId{slot, s.generation};
}

bool EventQueue::pending(EventId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].live &&
         slots_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  // The heap key stays until it surfaces; the slot is released then, so a stale key can never
  // run another event's body.
  slots_[id.slot].live = false;
  --live_;
  return true;
}

void EventQueue::drop_dead_top() {
  while (!heap_.empty() && !slots_[heap_.front().slot].live) pop_top();
}

bool EventQueue::empty() {
  drop_dead_top();
  return heap_.empty();
}

TimeNs EventQueue::top_time() {
  drop_dead_top();
  XPUSIM_CHECK(!heap_.empty(), "top_time on empty queue");
  return heap_.front().time;
}

Event EventQueue::pop() {
  drop_dead_top();
  XPUSIM_CHECK(!heap_.empty(), "pop on empty queue");
  const Key top = heap_.front();
  Slot& s = slots_[top.slot];
  Event ev{top.time, s.handler, s.tag, s.payload};
  s.live = false;
  --live_;
  pop_top();
  return ev;
}

void EventQueue::pop_top() {
  const std::uint32_t slot = heap_.front().slot;
  ++slots_[slot].generation;
  free_slots_.push_back(slot);
  const Key last = heap_.back();
  heap_.pop_back();
  if (heap_.empty()) return;
  // Bottom-up deletion: walk the hole at the root down to a leaf along the smallest children
  // (one comparison less per level than a plain sift-down), then let the former last entry
  // rise from there. That entry is usually late, so it rarely rises more than a level.
  sift_up(hole_to_leaf(), last);
}

std::size_t EventQueue::hole_to_leaf() {
  const std::size_t n = heap_.size();
  Key* h = heap_.data();
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    std::size_t best;
    if (first + 3 < n) {
      // Branch-free choice among four children: the times are random, so branches mispredict.
      const std::size_t b01 = before(h[first + 1], h[first]) ? first + 1 : first;
      const std::size_t b23 = before(h[first + 3], h[first + 2]) ? first + 3 : first + 2;
      best = before(h[b23], h[b01]) ? b23 : b01;
    } else if (first < n) {
      best = first;
      for (std::size_t c = first + 1; c < n; ++c)
        if (before(h[c], h[best])) best = c;
    } else {
      return i;
    }
    h[i] = h[best];
    i = best;
  }
}

void EventQueue::sift_up(std::size_t i, Key key) {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!before(key, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = key;
}

}  // namespace xpusim
