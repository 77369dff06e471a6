#include "xpusim/policy/prefix_eviction/fifo.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

void FifoEviction::on_insert(BlockId, CachedBlock& block, TimeNs) { block.order = ++inserted_; }

void FifoEviction::on_candidate(BlockId id, CachedBlock& block, TimeNs) {
  queue_.emplace(block.order, id);
}

void FifoEviction::on_withdrawn(BlockId id, CachedBlock& block) { queue_.erase({block.order, id}); }

BlockId FifoEviction::victim(const BlockTable&, TimeNs) {
  XPUSIM_CHECK(!queue_.empty(), "FIFO asked for a victim without candidates");
  return queue_.begin()->second;
}

}  // namespace xpusim::policy
