#include "xpusim/policy/prefix_eviction/lfu.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

void LfuEviction::on_candidate(BlockId id, CachedBlock& block, TimeNs) {
  block.order = block.release_order;
  queue_.emplace(block.hits, block.order, id);
}

void LfuEviction::on_withdrawn(BlockId id, CachedBlock& block) {
  queue_.erase({block.hits, block.order, id});
}

BlockId LfuEviction::victim(const BlockTable&, TimeNs) {
  XPUSIM_CHECK(!queue_.empty(), "LFU asked for a victim without candidates");
  return std::get<2>(*queue_.begin());
}

}  // namespace xpusim::policy
