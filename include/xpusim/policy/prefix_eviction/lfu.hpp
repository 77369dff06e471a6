#pragma once
#include <set>
#include <tuple>

#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"

namespace xpusim::policy {

// SGLang's LFU strategy: the candidate with the fewest hits goes; ties go to the least recently
// released (SGLang breaks them by last access time, which is the release for a free block).
class LfuEviction final : public EvictionPolicy {
 public:
  void on_insert(BlockId, CachedBlock&, TimeNs) override {}
  void on_touch(BlockId, CachedBlock&, TimeNs) override {}
  void on_candidate(BlockId id, CachedBlock& block, TimeNs now) override;
  void on_withdrawn(BlockId id, CachedBlock& block) override;
  BlockId victim(const BlockTable& blocks, TimeNs now) override;
  std::size_t candidates() const override { return queue_.size(); }

 private:
  // (hits, release order, id); a candidate's hits cannot change while it is one.
  std::set<std::tuple<std::int64_t, std::uint64_t, BlockId>> queue_;
};

}  // namespace xpusim::policy
