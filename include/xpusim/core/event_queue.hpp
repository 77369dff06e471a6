#pragma once
// Pending-event set ordered by (time, sequence number) with O(1) cancellation.
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/time.hpp"

namespace xpusim {

// Receives events. `tag` says which kind of event (the handler defines the values) and
// `payload` carries one small value, so scheduling never allocates.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(std::uint32_t tag, std::uint64_t payload) = 0;
  // What this handler is, for diagnostics only (the watchdog names a spinning component); never
  // called on the event loop's hot path. Defaults to the handler's type name.
  virtual std::string describe() const;
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

// A radix heap (Ahuja et al. 1990) with 8-bit digits, keyed on time. `last_` is a floor: no
// stored key is earlier. A key outside the front sits in bucket (level, digit): level = the
// highest byte in which its time differs from last_, digit = its value of that byte. Every key in
// a lower level, or in a lower digit of the same level, is earlier, and a bitmap over the 2048
// buckets (plus a 32-bit summary of it) finds the lowest non-empty one in a few instructions.
//
// The front is one bucket, sorted, covering times [last_, front_end_); pops consume it in order
// and a push into that range is inserted in place. When the front runs out, the lowest non-empty
// bucket becomes the front if it holds one time (level 0) or at most kSortMax keys (sorted by
// insertion); otherwise it is split: last_ becomes its lowest possible time and its keys move to
// lower levels. A key moves down at most 7 times, in practice once or twice (a binary radix heap
// moves it about log2(spread) times). A front that grows past kFrontMax keys is split likewise,
// so an insertion never moves many keys. Simulator never pushes before the current time; an
// earlier push still works (rebase(), O(n)).
//
// A key carries the whole event (time, handler, payload, tag: 32 bytes), so a pop reads nothing
// else but a 4-byte generation counter. Ties need no sequence number: all keys at one time are
// always in one bucket; a push goes after the keys at its time (appended to a bucket, or inserted
// after them in the front), and splitting, sorting (stable) and rebasing keep the relative order
// of the keys they move, so each bucket holds the keys of any one time in push order.
//
// Cancellation: each EventId names a slot and that slot's generation; the generation is odd while
// the event is pending. Cancelling (or popping) increments it, so stale ids never match. A
// cancelled key stays stored until it reaches the front, and only then is its slot recycled
// (the key names the slot, and a reused slot must not make it look live again). After warm-up
// nothing is allocated per event.
class EventQueue {
 public:
  EventId push(TimeNs time, EventHandler& handler, std::uint32_t tag, std::uint64_t payload) {
    std::uint32_t slot;
    if (!free_slots_.empty()) [[likely]] {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      slot = new_slot();
    }
    const std::uint32_t gen = ++gen_[slot];  // was even (free): now odd (pending)
    const Key key{to_utime(time), &handler, payload, tag, slot};
    if (key.utime < front_end_) [[unlikely]]
      push_early(key);
    else
      put(key);
    ++stored_;
    ++live_;
    return EventId{slot, gen};
  }
  // Returns true if the event was pending and is now cancelled.
  bool cancel(EventId id) {
    if (!pending(id)) return false;
    ++gen_[id.slot];  // even: dead; the key is dropped (and the slot freed) at the front
    --live_;
    return true;
  }
  bool pending(EventId id) const {
    return id.slot < gen_.size() && (id.generation & 1U) != 0 && gen_[id.slot] == id.generation;
  }
  // Drops dead entries at the front; then empty() and top_time() describe live events only.
  bool empty() { return !settle(); }
  TimeNs top_time() {
    XPUSIM_CHECK(settle(), "top_time on empty queue");
    return from_utime(buckets_[front_b_][front_].utime);
  }
  // Removes and returns the earliest live event. Precondition: !empty().
  Event pop() {
    XPUSIM_CHECK(settle(), "pop on empty queue");
    const Key& k = buckets_[front_b_][front_];
    ++front_;
    ++gen_[k.slot];  // odd -> even: the id goes stale
    free_slots_.push_back(k.slot);
    --stored_;
    --live_;
    return Event{from_utime(k.utime), k.handler, k.tag, k.payload};
  }
  std::size_t size_live() const { return live_; }
  // Keys the queue has room for across its buckets (diagnostics: must stay proportional to
  // the number of pending events, not to the number ever scheduled).
  std::size_t key_capacity() const {
    std::size_t n = 0;
    for (const auto& b : buckets_) n += b.capacity();
    return n;
  }
  void reserve(std::size_t n);

 private:
  struct Key {
    std::uint64_t utime;  // time with the sign bit flipped, so unsigned order = signed order
    EventHandler* handler;
    std::uint64_t payload;
    std::uint32_t tag;
    std::uint32_t slot;
  };
  static constexpr std::uint64_t kSignBit = 1ULL << 63;
  static std::uint64_t to_utime(TimeNs t) { return static_cast<std::uint64_t>(t) ^ kSignBit; }
  static TimeNs from_utime(std::uint64_t u) { return static_cast<TimeNs>(u ^ kSignBit); }

  static constexpr int kDigitBits = 8;
  static constexpr int kDigits = 1 << kDigitBits;
  static constexpr int kLevels = 64 / kDigitBits;
  static constexpr std::size_t kBuckets = kLevels * kDigits;
  static constexpr std::size_t kNoFront = kBuckets;  // an always-empty extra bucket
  static constexpr std::size_t kWords = kBuckets / 64;
  static_assert(kWords <= 32, "summary_ is 32 bits");
  static constexpr std::size_t kSortMax = 16;   // a bucket this small becomes the front, sorted
  static constexpr std::size_t kFrontMax = 48;  // a front this large is split before an insert

  std::size_t bucket_of(std::uint64_t utime) const {
    // A key at last_ (x == 0) lands in level 0, at last_'s digit.
    const int level = (63 - std::countl_zero((utime ^ last_) | 1)) / kDigitBits;
    return static_cast<std::size_t>(level) * kDigits +
           ((utime >> (level * kDigitBits)) & (kDigits - 1));
  }
  void mark(std::size_t b) {
    words_[b / 64] |= 1ULL << (b % 64);
    summary_ |= 1U << (b / 64);
  }
  void unmark(std::size_t b) {
    words_[b / 64] &= ~(1ULL << (b % 64));
    if (words_[b / 64] == 0) summary_ &= ~(1U << (b / 64));
  }
  // Files a key at or after front_end_ (never into the front bucket, except a key at the very
  // last time, 2^64 - 1, which then goes after everything there).
  void put(const Key& key) {
    const std::size_t b = bucket_of(key.utime);
    buckets_[b].push_back(key);
    mark(b);
  }
  // Makes the front key a live one; false when no live key is stored.
  bool settle() {
    const std::vector<Key>& f = buckets_[front_b_];
    if (front_ < f.size() && (gen_[f[front_].slot] & 1U) != 0) [[likely]]
      return true;
    return settle_slow();
  }
  bool settle_slow();
  bool refill_front();
  void close_front();
  void split(std::vector<Key>& src, std::size_t from);
  void push_early(const Key& key);
  std::uint32_t new_slot();
  void rebase(std::uint64_t utime);

  std::array<std::vector<Key>, kBuckets + 1> buckets_;
  std::array<std::uint64_t, kWords> words_{};  // bit b: bucket b may be non-empty
  std::uint32_t summary_ = 0;                  // bit w: words_[w] != 0
  std::size_t front_b_ = kNoFront;  // the front bucket
  std::size_t front_ = 0;           // its keys before this index are consumed
  std::uint64_t last_ = 0;          // no stored key is earlier
  std::uint64_t front_end_ = 0;     // the front covers [last_, front_end_); last_ if no front
  std::size_t stored_ = 0;          // keys held, dead ones included
  std::size_t live_ = 0;
  std::vector<std::uint32_t> gen_;  // per slot; odd while its event is pending
  std::vector<std::uint32_t> free_slots_;
  std::vector<Key> scratch_;  // rebase()'s buffer, kept so a rebase allocates only when it grows
};

}  // namespace xpusim
