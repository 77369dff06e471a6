#pragma once
// A serving instance's prefix cache: full KV blocks identified by chained keys (a block's key
// depends on every block before it), reference-counted, found by longest-prefix lookup at
// admission. Unreferenced cached blocks count as free KV (vLLM's free queue holds them) and are
// evicted, by the eviction policy's choice, only when an allocation needs their room.
//   hashed: any unreferenced block may go (vLLM v1 block pool).
//   radix:  only unreferenced leaves may go; a parent becomes a candidate when its last child
//           goes (SGLang RadixAttention over block-sized pages).
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "xpusim/core/key_map.hpp"
#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"
#include "xpusim/systems/kv_block_pool.hpp"
#include "xpusim/systems/prefix_cache_records.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

class PrefixCache final : public policy::BlockTable {
 public:
  enum class Structure { Hashed, Radix };
  struct Config {
    Structure structure = Structure::Hashed;
    std::int32_t block_size = 16;    // tokens per KV block
    std::int32_t id_tokens = 16;     // tokens each Request::prefix_hashes entry stands for
    std::size_t ghost_capacity = 4096;  // evicted keys remembered for regret feedback
    std::int64_t host_blocks = 0;       // second tier in host memory (LRU), in blocks; 0 = none
  };
  struct Wiring {
    int instance = 0;
    std::unique_ptr<policy::EvictionPolicy> policy;
    PrefixCacheObserver& observer;
  };
  PrefixCache(Config config, Wiring wiring);

  // Keys of a request's full prompt blocks that its prefix hashes identify (empty without).
  std::vector<std::uint64_t> block_keys(const workload::Request& request) const;
  // Keys of the full blocks among the first `tokens` tokens of prompt + output: the prompt's
  // keys, then those its output hashes identify (a finished turn's generated blocks).
  std::vector<std::uint64_t> block_keys(const workload::Request& request, std::int64_t tokens) const;
  // How many leading keys are cached, at most `max_blocks`.
  std::int64_t match(const std::vector<std::uint64_t>& keys, std::int64_t max_blocks) const;
  // Of the first `n` keys (all cached), how many some request references already: those need
  // no free block when reused.
  std::int64_t referenced_among(const std::vector<std::uint64_t>& keys, std::int64_t n) const;

  // After the first `from` keys, how many more are held by the host tier (up to max_blocks in all).
  std::int64_t match_host(const std::vector<std::uint64_t>& keys, std::int64_t from,
                          std::int64_t max_blocks) const;
  // Takes keys [from, from + n) out of the host tier: they are being copied back to the device,
  // where insert() caches them (so an eviction meanwhile cannot drop them from the host).
  void take_from_host(const std::vector<std::uint64_t>& keys, std::int64_t from, std::int64_t n);
  bool has_host_tier() const { return config_.host_blocks > 0; }
  std::int64_t host_blocks_used() const { return static_cast<std::int64_t>(host_.size()); }

  struct Lookup {
    std::uint64_t request_id = 0;
    std::int64_t prompt_tokens = 0;
    bool readmission = false;
    std::int64_t host_hit_blocks = 0;  // found in the host tier after the device hits
  };
  // References the first `n` keys' blocks (cached) for a sequence: appended to `held`, which
  // must be empty. Unreferenced ones leave the pool's free count. Publishes the lookup.
  void acquire(const std::vector<std::uint64_t>& keys, std::int64_t n, std::vector<policy::BlockId>& held,
               KvBlockPool& pool, const Lookup& lookup, TimeNs now);
  // References the first `n` keys' blocks (cached) for a holder that is not a lookup (KV
  // arriving from elsewhere): no hit is counted and nothing is published.
  void hold(const std::vector<std::uint64_t>& keys, std::int64_t n, std::vector<policy::BlockId>& held,
            KvBlockPool& pool);
  // The sequence has computed blocks [held.size(), upto) itself: they join the cache referenced
  // by it. A key cached meanwhile by another sequence is shared instead and the sequence's own
  // copy goes back to the pool.
  void insert(const std::vector<std::uint64_t>& keys, std::int64_t upto,
              const workload::Request& request, std::vector<policy::BlockId>& held,
              KvBlockPool& pool, TimeNs now);
  // Drops a sequence's references, tail first (so LRU evicts a request's tail before its
  // prefix); blocks nobody references return to the pool's free count, still cached.
  // `followup`: the holder finished a turn its session will follow up (Continuum pins those),
  // calling tool type `tool` (-1: untyped).
  void release(std::vector<policy::BlockId>& held, KvBlockPool& pool, TimeNs now,
               bool followup = false, std::int32_t tool = -1);
  // Evicts until the unreferenced cached blocks fit in `free_blocks` (after an allocation).
  void evict_to(std::int64_t free_blocks, TimeNs now);
  // The instance failed: every cached block (device and host tier) and every reference is
  // gone, as are the remembered evictions. The caller returns the blocks to its pool; the
  // eviction policy is told each candidate is withdrawn, so it starts empty too.
  void lose_all();

  std::int64_t cached_blocks() const { return static_cast<std::int64_t>(index_.size()); }
  std::int64_t unreferenced_blocks() const { return unreferenced_; }
  std::int64_t referenced_blocks() const { return cached_blocks() - unreferenced_; }
  std::int64_t evictions() const { return evictions_; }
  const policy::CachedBlock& block(policy::BlockId id) const override { return slots_[id].meta; }
  std::int32_t refs(policy::BlockId id) const { return slots_[id].refs; }
  // Checks the reference total against the holders' lists and the candidate count against the
  // policy's, from running counters (cheap enough for every iteration).
  void check_invariants(std::int64_t total_references) const;
  // Walks every block: flags, counts and index agree (tests; linear in the cache size).
  void check_blocks() const;

 private:
  struct Slot {
    policy::CachedBlock meta;
    std::uint64_t key = 0;
    policy::BlockId parent = kNoBlock;
    std::int32_t refs = 0;
    std::int32_t children = 0;  // cached blocks whose parent this is (radix only)
    bool candidate = false;
    bool used = false;
  };
  static constexpr policy::BlockId kNoBlock = UINT32_MAX;

  struct Unit {
    std::uint64_t hash = 0;
    workload::TokenType type = workload::TokenType::Unknown;
  };
  bool unit_of(const workload::Request& request, std::int64_t token, Unit& out) const;

  bool eligible(const Slot& s) const {
    return s.refs == 0 && (config_.structure == Structure::Hashed || s.children == 0);
  }
  void make_candidate(policy::BlockId id, TimeNs now);
  void withdraw(policy::BlockId id);
  void reference(policy::BlockId id, KvBlockPool& pool);
  policy::BlockId take_victim(TimeNs now);  // the policy's choice, withdrawn
  void evict_batch(std::int64_t n, TimeNs now);
  void prefetch_drop(policy::BlockId id, std::size_t later) const;
  void drop(policy::BlockId id, TimeNs now);
  policy::BlockId new_slot();
  policy::BlockId cached_id(std::uint64_t key) const;  // the block a cached key names
  static constexpr std::int64_t kPrefetchAhead = 8;
  void prefetch(const std::vector<std::uint64_t>& keys, std::int64_t from, std::int64_t n) const;
  void step(const std::vector<std::uint64_t>& keys, std::int64_t i, std::int64_t n) const;
  void remember_evicted(const Slot& s, TimeNs now);
  void check_regret(std::uint64_t key, TimeNs now);
  void demote(const Slot& s);

  Config config_;
  int instance_;
  std::unique_ptr<policy::EvictionPolicy> policy_;
  PrefixCacheObserver& observer_;
  std::vector<Slot> slots_;
  std::vector<policy::BlockId> free_slots_;
  // Lookups only: never iterated, so its order cannot reach an output.
  KeyMap<policy::BlockId> index_;
  std::int64_t unreferenced_ = 0;
  std::int64_t references_ = 0;  // sum of refs
  std::int64_t candidates_ = 0;
  std::uint64_t release_counter_ = 0;
  std::int64_t evictions_ = 0;
  std::vector<policy::BlockId> victims_;  // evict_batch's scratch
  // Remembered evictions: a ring of ghost_capacity in eviction order (ghost_next_ is the oldest
  // once it is full), and each remembered key's latest place in it (lookups only). The map holds
  // 4-byte positions, not the records, so it stays small enough to sit in cache.
  struct Ghost {
    std::uint64_t key = 0;
    policy::RegretInfo info;
  };
  std::vector<Ghost> ghost_order_;
  std::size_t ghost_next_ = 0;
  KeyMap<std::uint32_t> ghosts_;
  // Host tier: evicted blocks' keys, least recently demoted first out when full.
  KeyMap<std::uint64_t> host_;  // key -> demotion order (lookups only)
  std::set<std::pair<std::uint64_t, std::uint64_t>> host_lru_;  // (demotion order, key)
  std::uint64_t host_counter_ = 0;
};

}  // namespace xpusim::systems
