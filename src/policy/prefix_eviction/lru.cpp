#include "xpusim/policy/prefix_eviction/lru.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

void LruEviction::on_candidate(BlockId id, CachedBlock& block, TimeNs) {
  block.order = block.release_order;
  queue_.emplace(block.order, id);
}

void LruEviction::on_withdrawn(BlockId id, CachedBlock& block) { queue_.erase({block.order, id}); }

BlockId LruEviction::victim(const BlockTable&, TimeNs) {
  XPUSIM_CHECK(!queue_.empty(), "LRU asked for a victim without candidates");
  return queue_.begin()->second;
}

}  // namespace xpusim::policy
