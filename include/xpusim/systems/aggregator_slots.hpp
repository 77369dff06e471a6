#pragma once
// The switch's aggregator memory: a fixed array of slots, each holding one chunk's running sum
// and contribution count. Owns the slot accounting (free + occupied = total, always).
#include <cstdint>
#include <vector>

#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"

namespace xpusim::systems {

class AggregatorSlots {
 public:
  explicit AggregatorSlots(std::int64_t count);

  std::int64_t count() const { return static_cast<std::int64_t>(slots_.size()); }
  std::int64_t occupied() const { return occupied_; }
  std::int64_t aggregating() const { return aggregating_; }
  const policy::SlotHolder& holder(std::int64_t slot) const { return at(slot).holder; }
  std::int64_t sum(std::int64_t slot) const { return at(slot).sum; }

  // Free -> Aggregating for (job, chunk), with an empty sum.
  void claim(std::int64_t slot, std::int32_t job, std::int64_t chunk);
  // Adds one worker's contribution; returns the contributions summed so far.
  std::int32_t add(std::int64_t slot, std::int64_t value);
  // Adds a partial aggregate of `count` contributions (a lower-level switch's, in one packet).
  std::int32_t add(std::int64_t slot, std::int64_t sum, std::int32_t count);
  // Aggregating -> Complete (the aggregate has left; the slot waits for the acknowledgement).
  void mark_complete(std::int64_t slot);
  // Any -> Free; the sum is cleared.
  void release(std::int64_t slot);
  // Whether `slot` still holds (job, chunk) in `state`.
  bool holds(std::int64_t slot, std::int32_t job, std::int64_t chunk,
             policy::SlotState state) const;

 private:
  struct Slot {
    policy::SlotHolder holder;
    std::int64_t sum = 0;
  };
  Slot& at(std::int64_t slot);
  const Slot& at(std::int64_t slot) const;

  std::vector<Slot> slots_;
  std::int64_t occupied_ = 0;
  std::int64_t aggregating_ = 0;
};

}  // namespace xpusim::systems
