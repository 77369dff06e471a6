// ServingInstance's side of live migration (Llumnix), kept apart from the batching mechanics.
// Called only by the migration coordinator, at its checks and transfer ends, never per
// iteration.
#include "xpusim/core/error.hpp"
#include "xpusim/systems/serving_instance.hpp"

namespace xpusim::systems {

ServingInstance::SeqRef ServingInstance::migration_candidate() const {
  SeqRef best;
  std::int32_t best_priority = 0;
  for (std::uint32_t s = table_.newest_running(); s != Sequence::kNone; s = table_[s].prev) {
    const Sequence& q = table_[s];
    if (q.state != SeqState::Decoding) continue;
    // Newest first, so a later one replaces it only with a strictly lower priority.
    if (best.slot == Sequence::kNone || q.request.priority < best_priority) {
      best = {s, q.epoch};
      best_priority = q.request.priority;
    }
  }
  return best;
}

std::int64_t ServingInstance::high_priority_outstanding() const {
  std::int64_t n = 0;
  for (const Sequence& q : table_.slots())
    n += q.request.priority > 0 && q.state != SeqState::Free && q.state != SeqState::HandedOff;
  return n;
}

std::int64_t ServingInstance::live_kv_tokens(SeqRef ref) const {
  if (ref.slot >= table_.size()) return -1;
  const Sequence& q = table_[ref.slot];
  return q.epoch == ref.epoch && q.state == SeqState::Decoding ? kv_tokens(q) : -1;
}

std::int64_t ServingInstance::live_blocks(SeqRef ref) const {
  return live_kv_tokens(ref) < 0 ? 0 : blocks_held(table_[ref.slot]);
}

std::int64_t ServingInstance::virtual_used_blocks() const {
  // vLLM serves the swapped (and arrived) queue before the waiting one, so its head is the
  // head of line.
  std::int64_t head = 0;
  if (!table_.swapped().empty()) head = table_[table_.swapped().front()].blocks;
  else if (!table_.arrived().empty()) head = table_[table_.arrived().front()].blocks;
  else if (!table_.waiting().empty()) head = waiting_info(table_[table_.waiting().front()]).blocks_needed;
  return kv_.pool().allocated() + head;
}

Handoff ServingInstance::migrate_out(SeqRef ref, TimeNs now) {
  const LoadNotice notice(*this);
  XPUSIM_CHECK(live_kv_tokens(ref) >= 0, "migration of a sequence that is no longer decoding");
  Sequence& q = table_[ref.slot];
  Handoff h;
  h.kv_tokens = kv_tokens(q);
  h.generated = decode_.generated(q);
  h.blocks = blocks_for(h.kv_tokens);
  h.first_scheduled_ns = q.first_scheduled_ns;
  h.first_token_ns = q.first_token_ns;
  h.last_token_ns = last_token_ns(q);
  h.preemptions = q.preemptions;
  h.prefill_instance = index_;
  // Mid-iteration, a sequence whose blocks were full already got the block for the running
  // step (grow_decode_blocks), which blocks_held() counts only once the step ends.
  const bool grown = busy_ && iter_decodes_ && needs_block_now(q);
  leave_running(ref.slot);
  if (grown) kv_.give_back(1);
  h.request = std::move(q.request);
  table_.release(ref.slot);
  if (!busy_) try_start(now);
  return h;
}

bool ServingInstance::reserve_migration(std::int64_t blocks) {
  const LoadNotice notice(*this);
  return kv_.reserve_migration(blocks, sim_.now());
}

void ServingInstance::release_migration(std::int64_t blocks, TimeNs now) {
  const LoadNotice notice(*this);
  kv_.release_migration(blocks);
  if (!busy_) try_start(now);
}

// The reservation is returned just before the sequence joins the arrived queue, which every
// batching policy serves before admitting new prompts, so the blocks go to it first.
void ServingInstance::accept_migration(Handoff&& handoff, std::int64_t reserved_blocks, TimeNs now) {
  const LoadNotice notice(*this);
  XPUSIM_CHECK(reserved_blocks <= kv_.migration_reserved(), "migration without a reservation");
  kv_.release_migration(reserved_blocks);
  accept_remote_kv(std::move(handoff), now);
}

}  // namespace xpusim::systems
