#include "xpusim/policy/switch_memory/atp.hpp"

namespace xpusim::policy {

const ParamBinding<Atp::Config>& Atp::binding() {
  static const auto b = ParamBinding<Config>().integer(
      XPUSIM_KEY(Config, window_packets), "",
      "chunks each worker may have sent without their result (its sending window)",
      {.min = 1, .max = 1 << 24});
  return b;
}

SlotDecision Atp::place(const SwitchMemoryView& view, const ChunkKey& chunk) {
  const std::int64_t slot = hashed_slot(chunk, view.slot_count());
  if (view.slot(slot).state == SlotState::Free) return {SlotAction::Claim, slot};
  return {SlotAction::Fallback, -1};
}

}  // namespace xpusim::policy
