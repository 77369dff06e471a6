#pragma once
// Prefix-eviction family: "which cached KV block goes?" A gem5-style contract: the cache tells
// the policy when a block is cached, hit, becomes a victim candidate (no request references it;
// radix: and it is a leaf) or stops being one, and asks for a victim among the candidates.
// Per-block policy state lives on the block (CachedBlock), which the cache owns.
#include <cstdint>

#include "xpusim/core/catalog.hpp"
#include "xpusim/core/time.hpp"
#include "xpusim/workload/token_type.hpp"

namespace xpusim::policy {

using BlockId = std::uint32_t;

// One cached KV block as a policy sees it. The first group is set by the cache; the second is
// the policy's own state, which only the policy writes.
struct CachedBlock {
  workload::TokenType type = workload::TokenType::Unknown;
  std::int32_t position = 0;   // block index within the prompt that filled it
  std::uint64_t session = 0;   // session of the request that filled it (0 = none)
  bool followup = false;       // last released by a finished turn whose session continues
  std::int32_t tool = -1;      // followup: the tool type that turn called (-1: untyped)
  TimeNs inserted_ns = 0;
  TimeNs last_access_ns = 0;   // last time a request filled, hit or released it
  TimeNs released_ns = -1;     // when the last reference was dropped (-1: never)
  std::uint64_t release_order = 0;  // global count at that moment: vLLM's free-queue order
  std::int64_t hits = 0;            // lookups that reused it

  // Policy state.
  std::uint64_t order = 0;   // the policy's ordering key
  TimeNs pinned_until_ns = 0;
  std::uint8_t queue = 0;
};

// Read access to every block by id (the cache implements it).
class BlockTable {
 public:
  virtual ~BlockTable() = default;
  virtual const CachedBlock& block(BlockId id) const = 0;
};

// A lookup missed a block that this cache evicted not long before (eviction regret).
struct RegretInfo {
  workload::TokenType type = workload::TokenType::Unknown;
  std::int32_t position = 0;
  std::uint64_t session = 0;
  TimeNs evicted_ns = 0;
  std::uint8_t queue = 0;
};

class EvictionPolicy {
 public:
  virtual ~EvictionPolicy() = default;
  // A block was cached; it is referenced by the request that filled it (not a candidate).
  virtual void on_insert(BlockId id, CachedBlock& block, TimeNs now) = 0;
  // A request reused the block (called while it is referenced, before any candidacy).
  virtual void on_touch(BlockId id, CachedBlock& block, TimeNs now) = 0;
  // The block may now be evicted.
  virtual void on_candidate(BlockId id, CachedBlock& block, TimeNs now) = 0;
  // The block may no longer be evicted (a request references it again, or it got a child).
  virtual void on_withdrawn(BlockId id, CachedBlock& block) = 0;
  // Which candidate goes? Called only while there is at least one; the cache then withdraws it.
  virtual BlockId victim(const BlockTable& blocks, TimeNs now) = 0;
  // Feedback: a lookup wanted a block evicted earlier. Learning policies use it.
  virtual void on_regret(const RegretInfo& /*info*/, TimeNs /*now*/) {}
  virtual std::size_t candidates() const = 0;
};

using EvictionCatalog = Catalog<EvictionPolicy>;

// Registers lru, lfu, ttl and sae — called by the scenario layer.
void register_eviction_policies(EvictionCatalog& catalog);

}  // namespace xpusim::policy
