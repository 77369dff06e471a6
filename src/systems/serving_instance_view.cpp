#include "xpusim/systems/serving_instance.hpp"

#include <vector>

#include "xpusim/core/error.hpp"

// What batching policies see of an instance (policy::BatchView), and the invariant walk that
// checks the instance's incremental bookkeeping against its sequences.
namespace xpusim::systems {

// ---- policy::BatchView ------------------------------------------------------------------

policy::WaitingInfo ServingInstance::waiting(std::size_t i) const {
  return waiting_info(table_[table_.waiting().at(i)]);
}

policy::RunningInfo ServingInstance::newest_running(std::size_t i) const {
  const Sequence& q = table_[running_victim(i)];
  const bool decoding = q.state == SeqState::Decoding;
  // Preempting it frees only the blocks no other sequence references.
  const std::int64_t freed = kv_.blocks_freed_by(q.cached, blocks_held(q));
  return {freed, decoding && needs_block_now(q), !decoding,
          decoding ? 0 : q.prefill_len - q.prefilled, q.request.id, q.request.output_tokens};
}

void ServingInstance::check_invariants() const {
  std::int64_t blocks = 0;
  std::int64_t cache_refs = 0;
  DecodeTracker::Audit decode_audit = decode_.audit();
  // One walk over the running list feeds every part's check.
  table_.check([&](const Sequence& q) {
    // A cached block shared by several sequences is allocated once: count it in the cache.
    const auto shared = static_cast<std::int64_t>(q.cached.size());
    XPUSIM_CHECK(shared <= blocks_held(q), "sequence references more cached blocks than it holds");
    blocks += blocks_held(q) - shared;
    cache_refs += shared;
    decode_.add(decode_audit, q);
  });
  // Handed-off sequences keep their cached prompt blocks referenced until their KV is copied
  // (their own blocks are in handoff_blocks_).
  std::int64_t handoff_own = 0;
  if (role_ == InstanceRole::PrefillOnly)
    for (const Sequence& q : table_.slots())
      if (q.state == SeqState::HandedOff) {
        cache_refs += static_cast<std::int64_t>(q.cached.size());
        handoff_own += q.blocks - static_cast<std::int64_t>(q.cached.size());
      }
  XPUSIM_CHECK(role_ != InstanceRole::PrefillOnly || handoff_own == kv_.handoff_blocks(),
               "hand-off blocks out of sync with the handed-off sequences");
  std::int64_t swapped = 0;
  for (const std::uint32_t s : table_.swapped()) swapped += table_[s].blocks;
  kv_.check_conservation(blocks, swapped, cache_refs);
  decode_.check(decode_audit);
  std::int64_t queued = 0;
  for (const Sequence& q : table_.slots())
    if (q.state == SeqState::Waiting) queued += blocks_for(q.prefill_len);
  XPUSIM_CHECK(queued == queued_prompt_blocks_, "queued prompt blocks out of sync with the waiting queue");
}

}  // namespace xpusim::systems
