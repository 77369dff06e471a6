#include "xpusim/systems/serving_instance.hpp"

// Prefix caching inside a serving instance: what is reused at admission, what joins the cache
// when a prompt is done, and how cached blocks share the KV pool (docs/prefix-cache.md).
// Unreferenced cached blocks count as free: an allocation that needs their room evicts them.
namespace xpusim::systems {

void ServingInstance::take_blocks(std::int64_t n, TimeNs now) {
  kv_.allocate(n);
  if (cache_) cache_->evict_to(kv_.free(), now);
}

void ServingInstance::release_blocks(Sequence& q, std::int64_t held, TimeNs now) {
  kv_.release(held - static_cast<std::int64_t>(q.cached.size()));
  // A finished turn (not a preemption) of a session that will send another one.
  const bool followup = q.request.expects_followup && q.generated >= q.request.output_tokens;
  if (cache_) cache_->release(q.cached, kv_, now, followup);
}

std::int64_t ServingInstance::cache_hit_blocks(const Sequence& q) const {
  // vLLM computes at least the last prompt token (its logits give the first output token).
  return cache_->match(q.block_keys, (q.prefill_len - 1) / block_size_);
}

std::int64_t ServingInstance::cache_host_blocks(const Sequence& q, std::int64_t device_hits) const {
  return cache_->match_host(q.block_keys, device_hits, (q.prefill_len - 1) / block_size_);
}

bool ServingInstance::reuse_cached_prefix(Sequence& q, std::int64_t reserve_blocks, TimeNs now) {
  const std::int64_t hit = cache_hit_blocks(q);
  if (reserve_blocks - cache_->referenced_among(q.block_keys, hit) > kv_.free()) return false;
  const std::int64_t host = cache_host_blocks(q, hit);
  const PrefixCache::Lookup lookup{q.request.id, q.prefill_len, q.cache_hit_tokens >= 0, host};
  cache_->acquire(q.block_keys, hit, q.cached, kv_, lookup, now);
  cache_->take_from_host(q.block_keys, hit, host);
  take_blocks(reserve_blocks - hit, now);
  if (host > 0) {
    // Copied back before the iteration, timed like a swap-in; then cached as if computed.
    cache_->insert(q.block_keys, hit + host, q.request, q.cached, kv_, now);
    iter_swap_bytes_ += static_cast<double>(host) * block_bytes_;
  }
  q.prefilled = (hit + host) * block_size_;
  if (q.cache_hit_tokens < 0) q.cache_hit_tokens = q.prefilled;
  return true;
}

void ServingInstance::cache_prompt(Sequence& q, TimeNs now) {
  cache_->insert(q.block_keys, static_cast<std::int64_t>(q.block_keys.size()), q.request, q.cached,
                 kv_, now);
}

}  // namespace xpusim::systems
