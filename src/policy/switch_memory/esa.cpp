#include "xpusim/policy/switch_memory/esa.hpp"

namespace xpusim::policy {

const ParamBinding<Esa::Config>& Esa::binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, window_packets), "",
                   "chunks each worker may have sent without their result (its sending window)",
                   {.min = 1, .max = 1 << 24})
          .choice(XPUSIM_KEY(Config, priority),
                  {{"least_remaining", Priority::LeastRemaining},
                   {"earliest_arrival", Priority::EarliestArrival}},
                  "which job wins a contended slot: least remaining gradient bytes first, or "
                  "earliest arrival first")
          .boolean(XPUSIM_KEY(Config, take_complete_slots),
                   "take a slot whose aggregate has left and only waits for its acknowledgement "
                   "(false: treat it as held, preempting only by priority; an ablation)");
  return b;
}

bool Esa::outranks(const SwitchMemoryView& view, std::int32_t a, std::int32_t b) const {
  if (a == b) return false;  // a job never preempts itself: its chunks are equally urgent
  switch (config_.priority) {
    case Priority::LeastRemaining:
      return view.remaining_bytes(a) < view.remaining_bytes(b);
    case Priority::EarliestArrival:
      return view.arrival_ns(a) < view.arrival_ns(b);
  }
  return false;
}

SlotDecision Esa::place(const SwitchMemoryView& view, const ChunkKey& chunk) {
  const std::int64_t slot = hashed_slot(chunk, view.slot_count());
  const SlotHolder holder = view.slot(slot);
  switch (holder.state) {
    case SlotState::Free:
      return {SlotAction::Claim, slot};
    case SlotState::Complete:
      if (config_.take_complete_slots) return {SlotAction::Preempt, slot};
      [[fallthrough]];
    case SlotState::Aggregating:
      if (outranks(view, chunk.job, holder.job)) return {SlotAction::Preempt, slot};
      return {SlotAction::Fallback, -1};
  }
  return {SlotAction::Fallback, -1};
}

}  // namespace xpusim::policy
