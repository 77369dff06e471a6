#include "xpusim/policy/switch_memory/atp.hpp"

#include "xpusim/core/rng.hpp"

namespace xpusim::policy {

std::int64_t hashed_slot(const ChunkKey& chunk, std::int64_t slot_count) {
  // SplitMix64 of (job, chunk): a fixed, well-mixed function, the same on every platform.
  std::uint64_t state = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(chunk.job)) << 40) ^
                        static_cast<std::uint64_t>(chunk.chunk);
  return static_cast<std::int64_t>(splitmix64(state) % static_cast<std::uint64_t>(slot_count));
}

SlotDecision Atp::place(const SwitchMemoryView& view, const ChunkKey& chunk) {
  const std::int64_t slot = hashed_slot(chunk, view.slot_count());
  if (view.slot(slot).state == SlotState::Free) return {SlotAction::Claim, slot};
  return {SlotAction::Fallback, -1};
}

}  // namespace xpusim::policy
