#include "xpusim/core/event_queue.hpp"

#include <algorithm>

namespace xpusim {

void EventQueue::reserve(std::size_t n) {
  gen_.reserve(n);
  free_slots_.reserve(n);
}

std::uint32_t EventQueue::new_slot() {
  XPUSIM_CHECK(gen_.size() < UINT32_MAX - 1, "too many pending events");
  gen_.push_back(0);
  return static_cast<std::uint32_t>(gen_.size() - 1);
}

// Empties the front bucket and leaves no front.
void EventQueue::close_front() {
  if (front_b_ != kNoFront) {
    buckets_[front_b_].clear();
    unmark(front_b_);
  }
  front_b_ = kNoFront;
  front_ = 0;
  front_end_ = last_;
}

// Moves src[from..] to the buckets they belong in relative to last_, which must be at most all
// of them and share with them every byte above src's level, so that they all land in lower
// levels (never in src), each bucket getting its keys in their old relative order.
void EventQueue::split(std::vector<Key>& src, std::size_t from) {
  for (std::size_t i = from; i < src.size(); ++i) put(src[i]);
}

// A push before front_end_: into the sorted front, after the keys at its time; or, before last_
// (Simulator never does this: it schedules at >= now), a rebase.
void EventQueue::push_early(const Key& key) {
  if (key.utime < last_) {
    rebase(key.utime);
    put(key);
    return;
  }
  std::vector<Key>& f = buckets_[front_b_];
  if (front_b_ >= kDigits && f.size() - front_ >= kFrontMax) {
    // Too many keys to insert among: split the front (level >= 1, all in [last_, front_end_))
    // into lower levels around last_, and file the key like any other.
    const std::size_t from = front_;
    front_b_ = kNoFront;  // so that close_front() below does not unmark a refilled bucket
    split(f, from);
    f.clear();
    // f's bucket is at level >= 1 and split() filed nothing there, so it is empty now.
    unmark(static_cast<std::size_t>(&f - buckets_.data()));
    front_ = 0;
    front_end_ = last_;
    put(key);
    return;
  }
  // A front that keeps receiving keys may never drain, so its consumed prefix would grow
  // without bound: drop it once it is at least half of the vector (amortised O(1) per pop).
  if (front_ >= 32 && 2 * front_ >= f.size()) {
    f.erase(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(front_));
    front_ = 0;
  }
  const auto pos = std::upper_bound(f.begin() + static_cast<std::ptrdiff_t>(front_), f.end(), key.utime,
                                    [](std::uint64_t t, const Key& k) { return t < k.utime; });
  f.insert(pos, key);
}

// A push earlier than the floor. Lowers the floor to it and redistributes every key, O(n +
// buckets). All keys at one time come from one bucket, and each bucket is moved in order, so
// ties keep their push order.
void EventQueue::rebase(std::uint64_t utime) {
  scratch_.clear();
  const std::vector<Key>& front = buckets_[front_b_];
  scratch_.insert(scratch_.end(), front.begin() + static_cast<std::ptrdiff_t>(front_), front.end());
  for (std::size_t w = 0; w < words_.size(); ++w) {
    for (std::uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
      const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      std::vector<Key>& bucket = buckets_[b];
      if (b != front_b_) scratch_.insert(scratch_.end(), bucket.begin(), bucket.end());
      bucket.clear();
    }
    words_[w] = 0;
  }
  summary_ = 0;
  buckets_[front_b_].clear();
  front_b_ = kNoFront;
  front_ = 0;
  last_ = utime;  // strictly below every stored key
  front_end_ = utime;
  for (const Key& k : scratch_) put(k);
}

// Makes the front non-empty unless nothing is stored; returns false when nothing is.
bool EventQueue::refill_front() {
  close_front();
  while (summary_ != 0) {
    const auto w = static_cast<std::size_t>(std::countr_zero(summary_));
    const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(words_[w]));
    const int shift = static_cast<int>(b / kDigits) * kDigitBits;
    const std::uint64_t digit = b % kDigits;
    // The bucket's lowest possible time: last_'s bytes above its level, its digit, then zeros.
    const std::uint64_t high = shift + kDigitBits >= 64 ? 0 : last_ & (~0ULL << (shift + kDigitBits));
    const std::uint64_t base = high | (digit << shift);
    std::vector<Key>& bucket = buckets_[b];
    last_ = base;
    if (b < kDigits || bucket.size() <= kSortMax) {
      // Becomes the front. Stable insertion sort (a level-0 bucket is one time: nothing to do).
      if (b >= kDigits) {
        for (std::size_t i = 1; i < bucket.size(); ++i) {
          if (bucket[i - 1].utime <= bucket[i].utime) continue;
          const Key k = bucket[i];
          std::size_t j = i;
          for (; j > 0 && bucket[j - 1].utime > k.utime; --j) bucket[j] = bucket[j - 1];
          bucket[j] = k;
        }
      }
      front_b_ = b;
      front_ = 0;
      const std::uint64_t end = base + (1ULL << shift);
      front_end_ = end < base ? UINT64_MAX : end;  // the very last bucket ends at 2^64
      return true;
    }
    // Split it around its lowest possible time: every key moves to a lower level.
    unmark(b);
    front_end_ = last_;
    split(bucket, 0);
    bucket.clear();
  }
  return false;
}

bool EventQueue::settle_slow() {
  for (;;) {
    std::vector<Key>& f = buckets_[front_b_];
    if (front_ == f.size()) {
      if (!refill_front()) return false;
      continue;
    }
    const std::uint32_t slot = f[front_].slot;
    if ((gen_[slot] & 1U) != 0) return true;
    // A cancelled event's key: drop it and recycle its slot (its generation is already even).
    free_slots_.push_back(slot);
    ++front_;
    --stored_;
  }
}

}  // namespace xpusim
