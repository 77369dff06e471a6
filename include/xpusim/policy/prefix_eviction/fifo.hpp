#pragma once
#include <set>
#include <utility>

#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"

namespace xpusim::policy {

// FIFO baseline: the candidate that was cached first goes first, however often or recently it
// was reused. Contract: a block's place is fixed when it is inserted (on_insert) and neither
// hits nor releases move it, so it isolates what recency (LRU) and frequency (LFU) add.
class FifoEviction final : public EvictionPolicy {
 public:
  void on_insert(BlockId id, CachedBlock& block, TimeNs now) override;
  void on_touch(BlockId, CachedBlock&, TimeNs) override {}
  void on_candidate(BlockId id, CachedBlock& block, TimeNs now) override;
  void on_withdrawn(BlockId id, CachedBlock& block) override;
  BlockId victim(const BlockTable& blocks, TimeNs now) override;
  std::size_t candidates() const override { return queue_.size(); }

 private:
  std::uint64_t inserted_ = 0;                          // blocks inserted so far
  std::set<std::pair<std::uint64_t, BlockId>> queue_;  // (insertion order, id): head goes first
};

}  // namespace xpusim::policy
