#include "xpusim/systems/aggregator_slots.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

using policy::SlotState;

AggregatorSlots::AggregatorSlots(std::int64_t count) : slots_(static_cast<std::size_t>(count)) {
  XPUSIM_CHECK(count > 0, "a switch needs at least one aggregator slot");
}

AggregatorSlots::Slot& AggregatorSlots::at(std::int64_t slot) {
  XPUSIM_CHECK(slot >= 0 && slot < count(), "slot index out of range");
  return slots_[static_cast<std::size_t>(slot)];
}

const AggregatorSlots::Slot& AggregatorSlots::at(std::int64_t slot) const {
  XPUSIM_CHECK(slot >= 0 && slot < count(), "slot index out of range");
  return slots_[static_cast<std::size_t>(slot)];
}

void AggregatorSlots::claim(std::int64_t slot, std::int32_t job, std::int64_t chunk) {
  Slot& s = at(slot);
  XPUSIM_CHECK(s.holder.state == SlotState::Free, "claimed an occupied aggregator slot");
  s.holder = {SlotState::Aggregating, job, chunk, 0};
  s.sum = 0;
  ++occupied_;
  ++aggregating_;
}

std::int32_t AggregatorSlots::add(std::int64_t slot, std::int64_t value) {
  Slot& s = at(slot);
  XPUSIM_CHECK(s.holder.state == SlotState::Aggregating, "added to a slot that is not aggregating");
  s.sum += value;
  return ++s.holder.contributions;
}

std::int32_t AggregatorSlots::add(std::int64_t slot, std::int64_t sum, std::int32_t count) {
  Slot& s = at(slot);
  XPUSIM_CHECK(s.holder.state == SlotState::Aggregating && count >= 1,
               "added to a slot that is not aggregating");
  s.sum += sum;
  return s.holder.contributions += count;
}

void AggregatorSlots::mark_complete(std::int64_t slot) {
  Slot& s = at(slot);
  XPUSIM_CHECK(s.holder.state == SlotState::Aggregating,
               "completed a slot that is not aggregating");
  s.holder.state = SlotState::Complete;
  --aggregating_;
}

void AggregatorSlots::release(std::int64_t slot) {
  Slot& s = at(slot);
  XPUSIM_CHECK(s.holder.state != SlotState::Free, "released a free aggregator slot");
  if (s.holder.state == SlotState::Aggregating) --aggregating_;
  --occupied_;
  s = Slot{};
  XPUSIM_CHECK(occupied_ >= 0 && aggregating_ >= 0 && aggregating_ <= occupied_,
               "aggregator slot accounting out of balance");
}

bool AggregatorSlots::holds(std::int64_t slot, std::int32_t job, std::int64_t chunk,
                            SlotState state) const {
  const policy::SlotHolder& h = at(slot).holder;
  return h.state == state && h.job == job && h.chunk == chunk;
}

}  // namespace xpusim::systems
