#include "xpusim/systems/kv_manager.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

// Blocks, cache, swap space and transfers of one serving instance (docs/serving.md, "Parts of
// a serving instance"; prefix caching in docs/prefix-cache.md).
namespace xpusim::systems {

KvManager::KvManager(const KvSizing& sizing, std::unique_ptr<PrefixCache> cache)
    : pool_(sizing.blocks),
      block_size_(sizing.block_size),
      cache_(std::move(cache)),
      swap_capacity_(sizing.swap_blocks),
      block_bytes_(sizing.block_bytes),
      host_bw_(sizing.host_bw_bytes_per_s),
      swap_block_group_(sizing.swap_block_group),
      swap_transfer_overhead_s_(sizing.swap_transfer_overhead_s),
      swap_overlap_(sizing.swap_overlap),
      swap_reuse_(sizing.swap_reuse) {
  XPUSIM_CHECK(sizing.swap_block_group >= 1, "swap block groups hold at least one block");
  XPUSIM_CHECK(sizing.blocks > 0 && sizing.block_size > 0, "instance needs KV capacity");
  XPUSIM_CHECK(sizing.swap_blocks == 0 || (block_bytes_ > 0 && host_bw_ > 0),
               "swap space needs block size in bytes and a host link");
  XPUSIM_CHECK(!cache_ || !cache_->has_host_tier() || (host_bw_ > 0 && block_bytes_ > 0),
               "a prefix cache host tier needs block size in bytes and a host link");
}

void KvManager::take(std::int64_t n, TimeNs now) {
  pool_.allocate(n);
  if (cache_) cache_->evict_to(pool_.free(), now);
}

void KvManager::release(std::vector<policy::BlockId>& cached, std::int64_t held, bool followup,
                        TimeNs now, std::int32_t tool) {
  pool_.release(held - static_cast<std::int64_t>(cached.size()));
  if (cache_) cache_->release(cached, pool_, now, followup, tool);
}

std::int64_t KvManager::cache_hit_blocks(const std::vector<std::uint64_t>& keys,
                                         std::int64_t prefill_len) const {
  return cache_->match(keys, (prefill_len - 1) / block_size_);
}

std::int64_t KvManager::cache_host_blocks(const std::vector<std::uint64_t>& keys,
                                          std::int64_t device_hits, std::int64_t prefill_len) const {
  return cache_->match_host(keys, device_hits, (prefill_len - 1) / block_size_);
}

KvManager::PrefixSaving KvManager::prefix_saving(const std::vector<std::uint64_t>& keys,
                                                 std::int64_t prefill_len) const {
  if (!cache_) return {};
  // Cached prompt blocks skip the prefill (host-tier ones are copied back into new blocks);
  // device blocks already referenced need no free block.
  const std::int64_t hit = cache_hit_blocks(keys, prefill_len);
  return {(hit + cache_host_blocks(keys, hit, prefill_len)) * block_size_,
          cache_->referenced_among(keys, hit)};
}

std::int64_t KvManager::blocks_freed_by(const std::vector<policy::BlockId>& cached,
                                        std::int64_t held) const {
  std::int64_t freed = held;
  if (cache_)
    for (const policy::BlockId id : cached) freed -= cache_->refs(id) > 1 ? 1 : 0;
  return freed;
}

std::int64_t KvManager::reuse_prefix(const std::vector<std::uint64_t>& keys,
                                     const workload::Request& request, std::int64_t prefill_len,
                                     bool readmission, std::int64_t reserve_blocks,
                                     std::vector<policy::BlockId>& cached, TimeNs now) {
  const std::int64_t hit = cache_hit_blocks(keys, prefill_len);
  if (reserve_blocks - cache_->referenced_among(keys, hit) > pool_.free()) return -1;
  const std::int64_t host = cache_host_blocks(keys, hit, prefill_len);
  const PrefixCache::Lookup lookup{request.id, prefill_len, readmission, host};
  cache_->acquire(keys, hit, cached, pool_, lookup, now);
  cache_->take_from_host(keys, hit, host);
  take(reserve_blocks - hit, now);
  if (host > 0) {
    // Copied back before the iteration, timed like a swap-in; then cached as if computed.
    cache_->insert(keys, hit + host, request, cached, pool_, now);
    iter_host_bytes_ += static_cast<double>(host) * block_bytes_;
  }
  return (hit + host) * block_size_;
}

void KvManager::cache_prompt(const std::vector<std::uint64_t>& keys, const workload::Request& request,
                             std::vector<policy::BlockId>& cached, TimeNs now) {
  if (!cache_) return;
  cache_->insert(keys, static_cast<std::int64_t>(keys.size()), request, cached, pool_, now);
}

void KvManager::cache_generated(const workload::Request& request, std::int64_t tokens,
                                std::int64_t held, std::vector<policy::BlockId>& cached, TimeNs now) {
  if (!cache_ || request.output_hashes.empty()) return;
  const std::vector<std::uint64_t> keys = cache_->block_keys(request, tokens);
  cache_->insert(keys, std::min<std::int64_t>(static_cast<std::int64_t>(keys.size()), held), request,
                 cached, pool_, now);
}

std::int64_t KvManager::missing_cached_blocks(const workload::Request& request,
                                              std::int64_t tokens) const {
  if (!cache_ || request.output_hashes.empty()) return 0;
  const std::vector<std::uint64_t> keys = cache_->block_keys(request, tokens);
  const auto n = static_cast<std::int64_t>(keys.size());
  return n - cache_->match(keys, n);
}

std::int64_t KvManager::cache_returned(const workload::Request& request, std::int64_t tokens,
                                       bool followup, TimeNs now, std::int32_t tool) {
  if (!cache_ || request.output_hashes.empty()) return 0;
  const std::vector<std::uint64_t> keys = cache_->block_keys(request, tokens);
  const auto n = static_cast<std::int64_t>(keys.size());
  const std::int64_t hit = cache_->match(keys, n);
  std::vector<policy::BlockId> held;
  cache_->hold(keys, hit, held, pool_);  // not evicted to make room for what follows them
  const std::int64_t added = std::min(n - hit, pool_.free());
  take(added, now);
  cache_->insert(keys, hit + added, request, held, pool_, now);
  release(held, static_cast<std::int64_t>(held.size()), followup, now, tool);
  return added;
}

bool KvManager::swap_out(std::int64_t blocks, std::int64_t on_host) {
  if (swap_used_ + blocks > swap_capacity_) return false;
  swap_used_ += blocks;
  const std::int64_t copied = swap_reuse_ ? blocks - std::clamp<std::int64_t>(on_host, 0, blocks) : blocks;
  iter_host_bytes_ += static_cast<double>(copied) * block_bytes_;
  iter_host_transfers_ += swap_transfers(copied);
  return true;
}

void KvManager::swap_in(std::int64_t blocks, TimeNs now) {
  XPUSIM_CHECK(blocks <= swap_used_, "swap-in of more blocks than are swapped out");
  take(blocks, now);
  swap_used_ -= blocks;
  iter_host_bytes_ += static_cast<double>(blocks) * block_bytes_;
  iter_host_transfers_ += swap_transfers(blocks);
}

TimeNs KvManager::iteration_host_stall_ns() const {
  const double transfers_s = static_cast<double>(iter_host_transfers_) * swap_transfer_overhead_s_;
  return duration_ns_ceil(iter_host_bytes_ / host_bw_ + transfers_s);
}

TimeNs KvManager::iteration_host_delay_ns(TimeNs compute_ns) const {
  const TimeNs stall = iteration_host_stall_ns();
  return swap_overlap_ ? std::max<TimeNs>(stall - compute_ns, 0) : stall;
}

bool KvManager::reserve_migration(std::int64_t blocks, TimeNs now) {
  if (blocks > pool_.free()) return false;
  take(blocks, now);  // with a prefix cache, evicts what the room needs
  migration_ += blocks;
  return true;
}

void KvManager::release_migration(std::int64_t blocks) {
  XPUSIM_CHECK(blocks <= migration_, "release of more blocks than reserved");
  pool_.release(blocks);
  migration_ -= blocks;
}

void KvManager::lose_all() {
  swap_used_ = 0;  // the host's swap space goes with the server
  handoff_ = 0;    // KV held for transfers out, and blocks held for migrations in
  migration_ = 0;
  if (cache_) cache_->lose_all();  // device and host-tier cached blocks too
  pool_.release(pool_.allocated());
}

KvManager::Accounting KvManager::accounting() const {
  Accounting a;
  a.total = pool_.total();
  a.used = pool_.allocated();
  a.cached = cache_ ? cache_->unreferenced_blocks() : 0;
  a.free = pool_.free() - a.cached;
  a.handoff = handoff_;
  a.migration = migration_;
  a.cache_referenced = cache_ ? cache_->referenced_blocks() : 0;
  return a;
}

void KvManager::check_conservation(std::int64_t held_by_sequences, std::int64_t swapped_blocks,
                                   std::int64_t cache_references) const {
  XPUSIM_CHECK(cache_references == 0 || cache_, "holders reference cached blocks without a cache");
  if (cache_) cache_->check_invariants(cache_references);
  const Accounting a = accounting();
  XPUSIM_CHECK(a.used + a.cached + a.free == a.total && a.free >= 0 && a.used >= 0,
               "KV blocks not conserved");
  // Unreferenced cached blocks are free blocks that still hold KV.
  XPUSIM_CHECK(a.cached <= pool_.free(), "cached blocks exceed free blocks");
  XPUSIM_CHECK(held_by_sequences + a.handoff + a.migration + a.cache_referenced == a.used,
               "KV blocks held != blocks allocated");
  XPUSIM_CHECK(swapped_blocks == swap_used_ && swap_used_ <= swap_capacity_,
               "swapped blocks out of sync with swap space");
}

}  // namespace xpusim::systems
