#include "xpusim/systems/serving_instance.hpp"

#include <vector>

#include "xpusim/core/error.hpp"

// What batching policies see of an instance (policy::BatchView), and the invariant walk that
// checks the instance's incremental bookkeeping against its sequences.
namespace xpusim::systems {

// ---- policy::BatchView ------------------------------------------------------------------

policy::WaitingInfo ServingInstance::waiting(std::size_t i) const {
  return waiting_info(seqs_[waiting_.at(i)]);
}

policy::RunningInfo ServingInstance::newest_running(std::size_t i) const {
  XPUSIM_CHECK(i < running_count_, "newest_running index out of range");
  // Policies walk from the newest; continue from the last position instead of restarting.
  if (cursor_seq_ == Sequence::kNone || i < cursor_index_) {
    cursor_seq_ = running_tail_;
    cursor_index_ = 0;
  }
  while (cursor_index_ < i) {
    cursor_seq_ = seqs_[cursor_seq_].prev;
    ++cursor_index_;
  }
  const Sequence& q = seqs_[cursor_seq_];
  const bool decoding = q.state == SeqState::Decoding;
  // Preempting it frees only the blocks no other sequence references.
  const std::int64_t freed = kv_.blocks_freed_by(q.cached, blocks_held(q));
  return {freed, decoding && needs_block_now(q), !decoding,
          decoding ? 0 : q.prefill_len - q.prefilled};
}

void ServingInstance::check_invariants() const {
  std::int64_t blocks = 0;
  std::size_t count = 0;
  std::int64_t cache_refs = 0;
  for (std::uint32_t s = running_head_; s != Sequence::kNone; s = seqs_[s].next) {
    const Sequence& q = seqs_[s];
    XPUSIM_CHECK(q.state == SeqState::Decoding || q.state == SeqState::Prefilling,
                 "running list holds a sequence that is not running");
    // A cached block shared by several sequences is allocated once: count it in the cache.
    const auto shared = static_cast<std::int64_t>(q.cached.size());
    XPUSIM_CHECK(shared <= blocks_held(q), "sequence references more cached blocks than it holds");
    blocks += blocks_held(q) - shared;
    cache_refs += shared;
    ++count;
  }
  // Handed-off sequences keep their cached prompt blocks referenced until their KV is copied
  // (their own blocks are in handoff_blocks_).
  std::int64_t handoff_own = 0;
  if (role_ == InstanceRole::PrefillOnly)
    for (const Sequence& q : seqs_)
      if (q.state == SeqState::HandedOff) {
        cache_refs += static_cast<std::int64_t>(q.cached.size());
        handoff_own += q.blocks - static_cast<std::int64_t>(q.cached.size());
      }
  XPUSIM_CHECK(role_ != InstanceRole::PrefillOnly || handoff_own == kv_.handoff_blocks(),
               "hand-off blocks out of sync with the handed-off sequences");
  std::int64_t swapped = 0;
  for (const std::uint32_t s : swapped_) swapped += seqs_[s].blocks;
  kv_.check_conservation(blocks, swapped, cache_refs);
  XPUSIM_CHECK(count == running_count_, "running count out of sync");
  decode_.check(seqs_);
  XPUSIM_CHECK(waiting_.consistent(), "waiting queue's per-tenant counts out of sync");
}

}  // namespace xpusim::systems
