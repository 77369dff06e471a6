#include "xpusim/core/event_queue.hpp"

#include <algorithm>
#include <bit>

#include "xpusim/core/error.hpp"

namespace xpusim {
namespace {
constexpr std::uint64_t kSignBit = 1ULL << 63;

std::uint64_t to_utime(TimeNs t) { return static_cast<std::uint64_t>(t) ^ kSignBit; }
TimeNs from_utime(std::uint64_t u) { return static_cast<TimeNs>(u ^ kSignBit); }
}  // namespace

void EventQueue::reserve(std::size_t n) {
  buckets_[0].reserve(n);
  slots_.reserve(n);
  free_slots_.reserve(n);
}

int EventQueue::bucket_of(std::uint64_t utime) const {
  return utime == last_ ? 0 : 64 - std::countl_zero(utime ^ last_);
}

void EventQueue::put(const Key& key) {
  const int b = bucket_of(key.utime);
  buckets_[static_cast<std::size_t>(b)].push_back(key);
  mark(b);
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
  const std::uint64_t utime = to_utime(time);
  if (utime < last_) rebase(utime);
  // A key at time last_ goes to the back of bucket 0: its seq is the largest, so order holds.
  put(Key{utime, next_seq_++, slot});
  ++stored_;
  ++live_;
  return EventId{slot, s.generation};
}

// A push earlier than the floor (Simulator never does this: it schedules at >= now). Lowers the
// floor to it and redistributes every key, O(n).
void EventQueue::rebase(std::uint64_t utime) {
  std::vector<Key> all;
  all.reserve(stored_);
  const std::vector<Key>& front = buckets_[0];
  all.insert(all.end(), front.begin() + static_cast<std::ptrdiff_t>(front_), front.end());
  for (std::size_t b = 1; b < buckets_.size(); ++b)
    all.insert(all.end(), buckets_[b].begin(), buckets_[b].end());
  for (auto& bucket : buckets_) bucket.clear();
  front_ = 0;
  nonempty_ = 0;
  last_ = utime;  // strictly below every stored key, so none lands in bucket 0
  for (const Key& k : all) put(k);
}

bool EventQueue::pending(EventId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].live &&
         slots_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  // The key stays until it reaches the front; the slot is released then, so a stale key can
  // never run another event's body.
  slots_[id.slot].live = false;
  --live_;
  return true;
}

// Makes bucket 0 non-empty unless nothing is stored: the lowest non-empty bucket's minimum
// becomes the new floor and its keys are redistributed (all land in lower buckets, since they
// share their bits above the one that put them there). Returns false when nothing is stored.
bool EventQueue::refill_front() {
  std::vector<Key>& front = buckets_[0];
  if (front_ < front.size()) return true;
  front.clear();
  front_ = 0;
  while (nonempty_ != 0) {
    const auto b = static_cast<std::size_t>(std::countr_zero(nonempty_) + 1);
    nonempty_ &= nonempty_ - 1;
    std::vector<Key>& src = buckets_[b];
    if (src.empty()) continue;
    std::uint64_t lo = src.front().utime;
    for (const Key& k : src) lo = std::min(lo, k.utime);
    last_ = lo;
    for (const Key& k : src) put(k);
    src.clear();
    // Keys at one time must leave in push order; bucket 0 is usually one key, so this is cheap.
    if (front.size() > 1)
      std::sort(front.begin(), front.end(), [](const Key& x, const Key& y) { return x.seq < y.seq; });
    return true;
  }
  return false;
}

void EventQueue::release_front() {
  const std::uint32_t slot = buckets_[0][front_].slot;
  ++slots_[slot].generation;
  free_slots_.push_back(slot);
  ++front_;
  --stored_;
}

void EventQueue::drop_dead_front() {
  while (refill_front() && !slots_[buckets_[0][front_].slot].live) release_front();
}

bool EventQueue::empty() {
  drop_dead_front();
  return stored_ == 0;
}

TimeNs EventQueue::top_time() {
  drop_dead_front();
  XPUSIM_CHECK(stored_ > 0, "top_time on empty queue");
  return from_utime(buckets_[0][front_].utime);
}

Event EventQueue::pop() {
  drop_dead_front();
  XPUSIM_CHECK(stored_ > 0, "pop on empty queue");
  const Key top = buckets_[0][front_];
  Slot& s = slots_[top.slot];
  Event ev{from_utime(top.utime), s.handler, s.tag, s.payload};
  s.live = false;
  --live_;
  release_front();
  return ev;
}

}  // namespace xpusim
