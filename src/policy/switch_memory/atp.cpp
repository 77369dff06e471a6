#include "xpusim/policy/switch_memory/atp.hpp"

namespace xpusim::policy {

SlotDecision Atp::place(const SwitchMemoryView& view, const ChunkKey& chunk) {
  const std::int64_t slot = hashed_slot(chunk, view.slot_count());
  if (view.slot(slot).state == SlotState::Free) return {SlotAction::Claim, slot};
  return {SlotAction::Fallback, -1};
}

}  // namespace xpusim::policy
