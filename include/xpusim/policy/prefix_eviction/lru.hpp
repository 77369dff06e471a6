#pragma once
#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"
#include "xpusim/policy/prefix_eviction/ordered_candidates.hpp"

namespace xpusim::policy {

// vLLM v1's free-block queue: candidates leave in the order their last reference was dropped
// (the cache drops a request's blocks tail first, so a request's tail goes before its prefix).
class LruEviction final : public EvictionPolicy {
 public:
  void on_insert(BlockId, CachedBlock&, TimeNs) override {}
  void on_touch(BlockId, CachedBlock&, TimeNs) override {}
  void on_candidate(BlockId id, CachedBlock& block, TimeNs now) override;
  void on_withdrawn(BlockId id, CachedBlock& block) override;
  BlockId victim(const BlockTable& blocks, TimeNs now) override;
  std::size_t candidates() const override { return queue_.size(); }

 private:
  OrderedCandidates queue_;  // by (release order, id): the front goes first
};

}  // namespace xpusim::policy
