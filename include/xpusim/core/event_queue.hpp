#pragma once
// Pending-event set ordered by (time, sequence number) with O(1) cancellation.
#include <array>
#include <cstdint>
#include <vector>

#include "xpusim/core/time.hpp"

namespace xpusim {

// Receives events. `tag` says which kind of event (the handler defines the values) and
// `payload` carries one small value, so scheduling never allocates.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(std::uint32_t tag, std::uint64_t payload) = 0;
};

// Names a scheduled event so it can be cancelled; stale ids (event already run) are harmless.
struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

struct Event {
  TimeNs time = 0;
  EventHandler* handler = nullptr;
  std::uint32_t tag = 0;
  std::uint64_t payload = 0;
};

// A radix heap (Ahuja et al. 1990) keyed on time: keys sit in 65 buckets by the highest bit in
// which their time differs from `last_`, the time of the earliest key. Bucket 0 holds the keys at
// exactly that time, in sequence order; when it runs out, the lowest non-empty bucket is split
// around its minimum, and every key can only move to lower buckets, so pops cost O(1) amortised
// plus a scan that is short in practice. It relies on times never going below the last pop,
// which Simulator guarantees; an earlier push still works (rebase(), O(n)). Event bodies live in
// a slot table recycled through a free list. Cancelling marks the slot dead; its key is dropped
// when it reaches the front. After warm-up nothing is allocated per event.
class EventQueue {
 public:
  EventId push(TimeNs time, EventHandler& handler, std::uint32_t tag, std::uint64_t payload);
  // Returns true if the event was pending and is now cancelled.
  bool cancel(EventId id);
  bool pending(EventId id) const;
  // Drops dead entries at the front; then empty() and top_time() describe live events only.
  bool empty();
  TimeNs top_time();
  // Removes and returns the earliest live event. Precondition: !empty().
  Event pop();
  std::size_t size_live() const { return live_; }
  void reserve(std::size_t n);

 private:
  struct Key {
    std::uint64_t utime;  // time with the sign bit flipped, so unsigned order = signed order
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Slot {
    EventHandler* handler = nullptr;
    std::uint64_t payload = 0;
    std::uint32_t tag = 0;
    std::uint32_t generation = 0;
    bool live = false;
  };
  static constexpr int kBuckets = 65;  // bucket 0: time == last_; bucket b: highest differing bit b-1
  int bucket_of(std::uint64_t utime) const;
  // Bucket b >= 1 is bit b - 1 of nonempty_ (bucket 0 is tracked by front_ instead).
  void mark(int b) {
    if (b > 0) nonempty_ |= 1ULL << (b - 1);
  }
  void put(const Key& key);
  bool refill_front();
  void rebase(std::uint64_t utime);
  void release_front();
  void drop_dead_front();

  std::array<std::vector<Key>, kBuckets> buckets_;
  std::size_t front_ = 0;       // keys of buckets_[0] before this index are consumed
  std::uint64_t nonempty_ = 0;  // may over-approximate: a set bit's bucket may be empty
  std::uint64_t last_ = 0;      // utime of bucket 0's keys; no stored key is earlier
  std::size_t stored_ = 0;      // keys held, dead ones included
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace xpusim
