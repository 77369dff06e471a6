#pragma once
// Pending-event set ordered by (time, sequence number) with O(1) cancellation.
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

// A 4-ary min-heap of (time, seq, slot) keys; event bodies live in a slot table that is
// recycled through a free list. Cancelling marks the slot dead; the heap entry is discarded when
// it reaches the top. After warm-up nothing is allocated per event.
class EventQueue {
 public:
  EventId push(TimeNs time, EventHandler& handler, std::uint32_t tag, std::uint64_t payload);
  // Returns true if the event was pending and is now cancelled.
  bool cancel(EventId id);
  bool pending(EventId id) const;
  // Drops dead entries at the top; then empty() and top_time() describe live events only.
  bool empty();
  TimeNs top_time();
  // Removes and returns the earliest live event. Precondition: !empty().
  Event pop();
  std::size_t size_live() const { return live_; }
  void reserve(std::size_t n);

 private:
  struct Key {
    TimeNs time;
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
  // Bitwise, not short-circuit, so the compiler can use conditional moves instead of branches.
  static bool before(const Key& a, const Key& b) {
    return (a.time < b.time) | ((a.time == b.time) & (a.seq < b.seq));
  }
  void sift_up(std::size_t i, Key key);
  std::size_t hole_to_leaf();
  void pop_top();
  void drop_dead_top();

  std::vector<Key> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace xpusim
