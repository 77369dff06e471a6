#pragma once
// A serving instance's KV manager: the one place that knows every KV block.
//
// Contract: KvManager owns the device block pool, the prefix cache (with its host tier), the
// host swap space, the blocks held by KV being handed off to another instance and the blocks
// reserved for migrations on their way in. Sequences never touch the pool: they take blocks
// (evicting unreferenced cached blocks when free ones run short), give them back (their cached
// ones back to the cache, still cached), move them to and from swap space, and reuse cached
// prefixes through it. It does not know sequences: a sequence's own block count and its list
// of cached blocks are passed in, so it stays testable on its own. Host traffic (swaps,
// host-tier copies) is counted for the iteration being planned, which waits for it. Running out
// of device blocks is a scheduler bug (policies reserve before they allocate): it is checked,
// not handled.
//
// Invariants (check_conservation): every device block is exactly one of used (held by
// sequences, hand-offs, migration reservations, or referenced cached blocks), cached (cached
// and unreferenced: free but still holding KV) or free:
//   used + cached + free == total,   cached <= pool free,   swap used <= swap capacity.
#include <cstdint>
#include <memory>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/systems/kv_block_pool.hpp"
#include "xpusim/systems/prefix_cache.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

// How much KV an instance holds, and where preempted KV can be swapped to.
struct KvSizing {
  std::int64_t blocks = 0;        // device KV capacity
  std::int32_t block_size = 16;   // tokens per block
  std::int64_t swap_blocks = 0;   // host swap space, in blocks; 0 = none
  double block_bytes = 0;         // bytes of one block across the instance's devices
  double host_bw_bytes_per_s = 0;  // device<->host bandwidth, all devices together
  // Swap transfers move contiguous groups of this many blocks, each paying a fixed setup
  // time (FastSwitch's block-group granularity; docs/fairness.md).
  std::int64_t swap_block_group = 1;
  double swap_transfer_overhead_s = 0;
  // FastSwitch: host traffic overlaps the iteration's compute (the iteration waits only for the
  // part that outlasts it), and a swap-out skips blocks the host already holds a copy of.
  bool swap_overlap = false;
  bool swap_reuse = false;
};

class KvManager {
 public:
  // Where every device block is (see the invariant above).
  struct Accounting {
    std::int64_t total = 0;
    std::int64_t used = 0;    // allocated in the pool
    std::int64_t cached = 0;  // unreferenced cached blocks (counted free by the pool)
    std::int64_t free = 0;    // free and holding nothing
    std::int64_t handoff = 0;          // of used: held by KV being handed off (own blocks)
    std::int64_t migration = 0;        // of used: reserved for incoming migrations
    std::int64_t cache_referenced = 0;  // of used: cached blocks some holder references
  };

  KvManager(const KvSizing& sizing, std::unique_ptr<PrefixCache> cache);

  // ---- device pool ----
  std::int64_t total() const { return pool_.total(); }
  std::int64_t free() const { return pool_.free(); }
  std::int32_t block_size() const { return block_size_; }
  std::int64_t blocks_for(std::int64_t tokens) const {
    return (tokens + block_size_ - 1) / block_size_;
  }
  const KvBlockPool& pool() const { return pool_; }
  // Allocates `n` blocks, evicting unreferenced cached blocks when free ones run short.
  void take(std::int64_t n, TimeNs now);
  // Returns `n` blocks that no cache entry holds (a block allocated for a step that a
  // migrated sequence will not run).
  void give_back(std::int64_t n) { pool_.release(n); }
  // Frees what a holder has: `held` blocks of which `cached` (a prefix) are cached blocks it
  // references; its own go back to the pool, its cached ones to the cache (unreferenced ones
  // stay cached). `followup`: a finished turn its session will follow (Continuum pins those),
  // having called tool type `tool` (-1: untyped).
  void release(std::vector<policy::BlockId>& cached, std::int64_t held, bool followup, TimeNs now,
               std::int32_t tool = -1);

  // ---- prefix cache (null: none) ----
  bool has_cache() const { return cache_ != nullptr; }
  const PrefixCache* cache() const { return cache_.get(); }
  // Keys of a request's full prompt blocks (empty without a cache).
  std::vector<std::uint64_t> prefix_keys(const workload::Request& request) const {
    return cache_ ? cache_->block_keys(request) : std::vector<std::uint64_t>{};
  }
  // What a cache lookup would save a prefill of `prefill_len` tokens now: prompt tokens not
  // computed (device and host-tier hits) and blocks not taken from the free ones (device hits
  // some holder references already). Zero without a cache.
  struct PrefixSaving {
    std::int64_t tokens = 0;
    std::int64_t blocks = 0;
  };
  PrefixSaving prefix_saving(const std::vector<std::uint64_t>& keys, std::int64_t prefill_len) const;
  // Blocks that freeing a holder's `held` blocks (of which `cached` are cached ones) would
  // return: cached blocks another holder references stay allocated.
  std::int64_t blocks_freed_by(const std::vector<policy::BlockId>& cached, std::int64_t held) const;
  // Cached prompt blocks a prefill of `prefill_len` tokens can reuse: at least one prompt token
  // is always computed (its logits give the first output token).
  std::int64_t cache_hit_blocks(const std::vector<std::uint64_t>& keys, std::int64_t prefill_len) const;
  // Blocks after `device_hits` that the host tier holds.
  std::int64_t cache_host_blocks(const std::vector<std::uint64_t>& keys, std::int64_t device_hits,
                                 std::int64_t prefill_len) const;
  // Reserves `reserve_blocks` for a holder, reusing its cached prefix (device blocks referenced,
  // host-tier blocks copied back before the iteration) into `cached`; returns the prompt
  // tokens it need not compute, or -1 (nothing changed) when the reservation no longer fits.
  std::int64_t reuse_prefix(const std::vector<std::uint64_t>& keys, const workload::Request& request,
                            std::int64_t prefill_len, bool readmission, std::int64_t reserve_blocks,
                            std::vector<policy::BlockId>& cached, TimeNs now);
  // A prompt has been computed: its full blocks join the cache, referenced by `cached` (no-op
  // without a cache).
  void cache_prompt(const std::vector<std::uint64_t>& keys, const workload::Request& request,
                    std::vector<policy::BlockId>& cached, TimeNs now);
  // A request finished with KV for `tokens` tokens of prompt + output in `held` blocks (of which
  // `cached` are cached): its full blocks the output hashes identify join the cache too, as
  // vLLM and SGLang cache generated blocks (no-op without a cache or output hashes).
  void cache_generated(const workload::Request& request, std::int64_t tokens, std::int64_t held,
                       std::vector<policy::BlockId>& cached, TimeNs now);

  // Of the full blocks among `request`'s first `tokens` tokens of prompt + output (its prompt
  // and output hashes), how many are not cached from the first missing one on (0 without a
  // cache or output hashes).
  std::int64_t missing_cached_blocks(const workload::Request& request, std::int64_t tokens) const;
  // KV of those blocks arrived from another instance (a decode instance's finished request):
  // the leading run the cache lacks joins it, as many as free blocks allow (evicting as an
  // allocation does), released at once as a finished holder's blocks are (`followup`, `tool`
  // as release()). Returns the blocks added.
  std::int64_t cache_returned(const workload::Request& request, std::int64_t tokens, bool followup,
                              TimeNs now, std::int32_t tool = -1);

  // ---- swap space (host memory) ----
  std::int64_t swap_used() const { return swap_used_; }
  std::int64_t swap_capacity() const { return swap_capacity_; }
  // Moves `blocks` device blocks (already freed by the holder) to swap space; false (nothing
  // changed) when the swap space has no room for them. With swap_reuse, the first
  // `on_host` of them (full blocks a host copy still holds) are not copied again; the copy is
  // not counted against the swap space (host DRAM, docs/fairness.md).
  bool swap_out(std::int64_t blocks, std::int64_t on_host = 0);
  // Brings `blocks` back from swap space into newly taken device blocks.
  void swap_in(std::int64_t blocks, TimeNs now);

  // ---- host traffic the iteration being planned waits for ----
  void begin_iteration() {
    iter_host_bytes_ = 0;
    iter_host_transfers_ = 0;
  }
  double iteration_host_bytes() const { return iter_host_bytes_; }
  std::int64_t iteration_host_transfers() const { return iter_host_transfers_; }
  // How long the iteration waits for that traffic (bytes over the host link, plus a fixed
  // setup time per transfer).
  TimeNs iteration_host_stall_ns() const;
  // What that wait adds to an iteration whose compute takes `compute_ns`: all of it, or with
  // swap_overlap only the part that outlasts the compute.
  TimeNs iteration_host_delay_ns(TimeNs compute_ns) const;

  // ---- KV leaving (hand-off) and arriving (migration reservation) ----
  // A handed-off holder keeps `own` blocks until its KV has been copied out.
  void hold_handoff(std::int64_t own) { handoff_ += own; }
  void end_handoff(std::int64_t own) { handoff_ -= own; }
  std::int64_t handoff_blocks() const { return handoff_; }
  // Holds free blocks for an incoming migration; false (nothing held) if they are not free.
  bool reserve_migration(std::int64_t blocks, TimeNs now);
  void release_migration(std::int64_t blocks);
  std::int64_t migration_reserved() const { return migration_; }

  // ---- faults ----
  // The instance failed: device blocks, cached blocks (both tiers), swap space, hand-offs and
  // reservations are all gone.
  void lose_all();

  // ---- invariants ----
  Accounting accounting() const;
  // Checks used + cached + free == total, that `held_by_sequences` (own blocks of running
  // sequences, counted by walking them) plus hand-offs, reservations and referenced cached
  // blocks is what the pool has allocated, and that `swapped_blocks` (walked too) is the swap
  // space used.
  // `cache_references`: cached blocks the walked holders reference (checked against the cache).
  void check_conservation(std::int64_t held_by_sequences, std::int64_t swapped_blocks,
                          std::int64_t cache_references) const;

 private:
  std::int64_t swap_transfers(std::int64_t blocks) const {
    return (blocks + swap_block_group_ - 1) / swap_block_group_;
  }

  KvBlockPool pool_;
  std::int32_t block_size_;
  std::unique_ptr<PrefixCache> cache_;
  std::int64_t swap_capacity_;
  std::int64_t swap_used_ = 0;
  double block_bytes_;
  double host_bw_;
  std::int64_t swap_block_group_;
  double swap_transfer_overhead_s_;
  bool swap_overlap_;
  bool swap_reuse_;
  double iter_host_bytes_ = 0;
  std::int64_t iter_host_transfers_ = 0;
  std::int64_t handoff_ = 0;    // own blocks of handed-off holders, until their KV is copied
  std::int64_t migration_ = 0;  // reserved for migrations on their way in
};

}  // namespace xpusim::systems
