// Applying the batching policy's plan to an instance: preemption (recompute or swap out),
// swap-in, and admission of waiting requests in the fairness policy's order, with the prefix
// cache's reuse at admission.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/serving_instance.hpp"

namespace xpusim::systems {

void ServingInstance::apply_preemptions(std::size_t count, bool swap, TimeNs now) {
  for (std::size_t i = 0; i < count; ++i) {
    XPUSIM_CHECK(table_.running_count() > 0, "policy preempted more sequences than are running");
    // The newest, or under priority scheduling the lowest-ranked (what the policy walked).
    std::uint32_t s = table_.newest_running();
    if (prio_.on()) {
      s = by_priority_.back();
      by_priority_.pop_back();
    }
    preempt(s, swap, now);
  }
}

void ServingInstance::preempt(std::uint32_t s, bool swap, TimeNs now) {
  Sequence& q = table_[s];
  q.prefill_end_ns = last_token_ns(q);
  const bool decoding = q.state == SeqState::Decoding;
  if (decoding) q.generated = decode_.generated(q);
  const std::int64_t kv = decoding ? kv_tokens(q) : 0;
  const std::int64_t blocks = blocks_held(q);
  leave_running(s);
  ++q.preemptions;
  observer_.on_preemption(q.request.id, index_, now);
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("instance {}: preempted request {} ({} running, KV {} blocks, {}) (t={} ns)",
                  index_, q.request.id, prio_.on() ? "lowest-priority" : "newest", blocks,
                  swap && decoding ? "swap out if host room" : "recompute", now);
  // Swap keeps a decoding sequence's KV on the host when there is room; otherwise (or for a
  // sequence mid-prefill) the KV is dropped and recomputed on readmission.
  if (swap && decoding && kv_.swap_out(blocks, q.host_blocks)) {
    q.host_blocks = kv / block_size_;  // full blocks never change: their copy stays valid
    q.state = SeqState::Swapped;
    q.blocks = blocks;
    q.base_kv = kv;
    push_swapped(s);
    return;
  }
  q.state = SeqState::Waiting;
  q.prefill_len = std::int64_t{q.request.prompt_tokens} + q.generated;
  q.prefilled = 0;
  observer_.on_requeued(q.request.tenant, now);
  // Newest first, so the oldest victim ends at the head (vLLM v0); under priority order the
  // queue places it by (priority, arrival).
  table_.waiting().push_front(s, WaitingQueue::describe(q.request, true));
  queued_prompt_blocks_ += blocks_for(q.prefill_len);
}

void ServingInstance::swap_in(std::size_t count, TimeNs now) {
  for (std::size_t i = 0; i < count; ++i) {
    XPUSIM_CHECK(!table_.swapped().empty(), "policy swapped in more sequences than are swapped out");
    const std::uint32_t s = table_.swapped().front();
    table_.swapped().pop_front();
    Sequence& q = table_[s];
    kv_.swap_in(q.blocks, now);
    table_.link_running(s);
    start_decoding(s, q.base_kv, q.prefill_end_ns);
  }
}

// KV that came from another instance is already in device memory's reach: the transfer was
// timed by the fabric, so no PCIe time is charged.
void ServingInstance::accept_arrived(std::size_t count, TimeNs now) {
  for (std::size_t i = 0; i < count; ++i) {
    XPUSIM_CHECK(!table_.arrived().empty(), "policy accepted more sequences than have arrived");
    const std::uint32_t s = table_.arrived().front();
    table_.arrived().pop_front();
    kv_.take(table_[s].blocks, now);
    table_.link_running(s);
    start_decoding(s, table_[s].base_kv, table_[s].prefill_end_ns);
  }
}

void ServingInstance::admit(std::size_t count, TimeNs now) {
  for (std::size_t i = 0; i < count; ++i) {
    XPUSIM_CHECK(!table_.waiting().empty(), "policy admitted more sequences than are waiting");
    const std::uint32_t s = table_.waiting().front();
    Sequence& q = table_[s];
    const std::int64_t final_tokens = std::int64_t{q.request.prompt_tokens} + q.request.output_tokens;
    const std::int64_t reserve = blocks_for(
        policy_->reserve_tokens({q.prefill_len, blocks_for(q.prefill_len), final_tokens}));
    // A reservation is either the prefill (paged: grows block by block) or the whole final
    // length (Orca: never grows); anything between would leave reserved blocks unused.
    XPUSIM_CHECK(reserve == blocks_for(q.prefill_len) || reserve * block_size_ >= final_tokens,
                 "batching policy reserved between the prefill and the final length");
    q.prefilled = 0;
    if (!kv_.has_cache()) {
      kv_.take(reserve, now);
    } else if (!reuse_cached_prefix(q, reserve, now)) {
      break;  // an earlier admission evicted part of the prefix it counted on; it stays first
    }
    table_.waiting().admit_front(now);
    queued_prompt_blocks_ -= blocks_for(q.prefill_len);
    observer_.on_admitted(q.request.tenant, q.request.prompt_tokens, q.first_scheduled_ns < 0, now);
    q.blocks = reserve;
    q.groups_done = 0;
    q.state = SeqState::Prefilling;
    if (q.first_scheduled_ns < 0) q.first_scheduled_ns = now;
    pending_prefill_tokens_ += q.prefill_len - q.prefilled;
    table_.prefilling().push_back(s);
    table_.link_running(s);
  }
}

}  // namespace xpusim::systems
