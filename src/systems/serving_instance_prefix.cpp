#include "xpusim/systems/serving_instance.hpp"

// A sequence's side of prefix caching: what it reuses at admission and what it gives back
// (the blocks themselves are the KV manager's; docs/prefix-cache.md).
namespace xpusim::systems {

void ServingInstance::release_blocks(Sequence& q, std::int64_t held, TimeNs now) {
  // A finished turn (not a preemption) of a session that will send another one.
  const bool followup = q.request.expects_followup && q.generated >= q.request.output_tokens;
  kv_.release(q.cached, held, followup, now, q.request.tool_type);
}

void ServingInstance::cache_output(Sequence& q, TimeNs now) {
  // KV exists for every token but the last one emitted (it was never fed back).
  const std::int64_t tokens = std::int64_t{q.request.prompt_tokens} + q.request.output_tokens - 1;
  kv_.cache_generated(q.request, tokens, blocks_held(q), q.cached, now);
}

void ServingInstance::cache_returned_output(const workload::Request& request, std::int64_t kv_tokens,
                                            TimeNs now) {
  const LoadNotice notice(*this);
  // A finished turn's blocks, as a colocated finish releases them (Continuum pins those).
  kv_.cache_returned(request, kv_tokens, request.expects_followup, now, request.tool_type);
}

bool ServingInstance::reuse_cached_prefix(Sequence& q, std::int64_t reserve_blocks, TimeNs now) {
  const std::int64_t skipped = kv_.reuse_prefix(q.block_keys, q.request, q.prefill_len,
                                                q.cache_hit_tokens >= 0, reserve_blocks, q.cached, now);
  if (skipped < 0) return false;
  q.prefilled = skipped;
  if (q.cache_hit_tokens < 0) q.cache_hit_tokens = q.prefilled;
  return true;
}

}  // namespace xpusim::systems
