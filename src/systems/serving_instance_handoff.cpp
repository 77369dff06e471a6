// ServingInstance's side of prefill–decode disaggregation (kept apart from the batching
// mechanics in serving_instance.cpp).
#include "xpusim/core/error.hpp"
#include "xpusim/systems/serving_instance.hpp"

namespace xpusim::systems {

// A prefill-only instance's prompt is done: it leaves the running list but keeps its KV
// blocks (DistServe: the decode side pulls the KV, so it stays until the copy ends). With a
// prefix cache its prompt blocks are cached by now and stay referenced by it until then; the
// hand-off count holds only its own (uncached) blocks.
void ServingInstance::hand_off(std::uint32_t s, TimeNs now) {
  Sequence& q = table_[s];
  q.state = SeqState::HandedOff;
  leave_running(s, /*keep_kv=*/true);
  kv_.hold_handoff(q.blocks - static_cast<std::int64_t>(q.cached.size()));
  Handoff h;
  h.generated = q.generated;
  h.kv_tokens = q.prefill_len;
  h.blocks = q.blocks;
  h.first_scheduled_ns = q.first_scheduled_ns;
  h.first_token_ns = q.first_token_ns;
  h.preemptions = q.preemptions;
  h.cache_hit_tokens = q.cache_hit_tokens;
  h.prefill_instance = index_;
  h.prefill_slot = s;
  h.request = std::move(q.request);
  q.request.prefix_hashes = {};
  q.request.output_hashes = {};
  handoff_->on_prefilled(index_, std::move(h), now);
}

void ServingInstance::release_handoff(std::uint32_t slot, TimeNs now) {
  const LoadNotice notice(*this);
  XPUSIM_CHECK(slot < table_.size() && table_[slot].state == SeqState::HandedOff,
               "release of a KV hand-off this instance does not hold");
  Sequence& q = table_[slot];
  kv_.end_handoff(q.blocks - static_cast<std::int64_t>(q.cached.size()));
  release_blocks(q, q.blocks, now);  // cached prompt blocks stay cached, unreferenced
  q.blocks = 0;
  table_.release(slot);
  if (!busy_) try_start(now);  // the freed blocks may admit a waiting prompt
}

void ServingInstance::accept_remote_kv(Handoff&& h, TimeNs now) {
  const LoadNotice notice(*this);
  // Decode-only instances take prefilled KV; colocated ones take live-migrated requests.
  XPUSIM_CHECK(role_ != InstanceRole::PrefillOnly, "KV handed to a prefill-only instance");
  if (!fits(h.request)) return reject(std::move(h.request), now);
  const std::int64_t final_tokens = std::int64_t{h.request.prompt_tokens} + h.request.output_tokens;
  const std::uint32_t s = new_sequence(std::move(h.request));
  Sequence& q = table_[s];
  q.state = SeqState::Arrived;
  q.generated = h.generated;
  q.base_kv = h.kv_tokens;
  // Paged policies hold the blocks the KV fills and grow; Orca reserves the whole final length.
  q.blocks = blocks_for(
      policy_->reserve_tokens({h.kv_tokens, blocks_for(h.kv_tokens), final_tokens}));
  q.cache_hit_tokens = h.cache_hit_tokens;
  q.first_scheduled_ns = h.first_scheduled_ns;
  q.first_token_ns = h.first_token_ns;
  // Its next token's gap includes the transfer (and a migration's downtime).
  q.prefill_end_ns = h.last_token_ns >= 0 ? h.last_token_ns : h.first_token_ns;
  q.preemptions = h.preemptions;
  table_.arrived().push_back(s);
  if (!busy_) try_start(now);
}

}  // namespace xpusim::systems
