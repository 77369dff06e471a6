#include "xpusim/policy/prefix_eviction/lru.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

void LruEviction::on_candidate(BlockId id, CachedBlock& block, TimeNs) {
  block.order = block.release_order;
  queue_.add(id, block.order);
}

void LruEviction::on_withdrawn(BlockId id, CachedBlock&) { queue_.remove(id); }

BlockId LruEviction::victim(const BlockTable&, TimeNs) {
  XPUSIM_CHECK(!queue_.empty(), "LRU asked for a victim without candidates");
  return queue_.front().second;
}

}  // namespace xpusim::policy
