// The FIFO eviction baseline alone on hand-made block states.
#include <gtest/gtest.h>

#include <vector>

#include "xpusim/policy/prefix_eviction/fifo.hpp"

namespace xpusim::policy {
namespace {

struct Table : BlockTable {
  std::vector<CachedBlock> blocks;
  const CachedBlock& block(BlockId id) const override { return blocks.at(id); }
};

std::vector<BlockId> drain(FifoEviction& fifo, Table& t) {
  std::vector<BlockId> out;
  while (fifo.candidates() > 0) {
    const BlockId v = fifo.victim(t, 0);
    fifo.on_withdrawn(v, t.blocks[v]);
    out.push_back(v);
  }
  return out;
}

TEST(FifoEviction, EvictsInInsertionOrderWhateverTheReleaseOrderAndHits) {
  FifoEviction fifo;
  Table t;
  t.blocks.resize(4);
  for (BlockId i = 0; i < 4; ++i) fifo.on_insert(i, t.blocks[i], 10 * i);
  // Released newest first and the oldest hit often: LRU would evict 3 first, LFU 1; FIFO 0.
  fifo.on_touch(0, t.blocks[0], 50);
  for (BlockId i = 4; i-- > 0;) fifo.on_candidate(i, t.blocks[i], 100);
  EXPECT_EQ(drain(fifo, t), (std::vector<BlockId>{0, 1, 2, 3}));
}

TEST(FifoEviction, AReferencedAgainBlockKeepsItsPlaceWhenItComesBack) {
  FifoEviction fifo;
  Table t;
  t.blocks.resize(3);
  for (BlockId i = 0; i < 3; ++i) fifo.on_insert(i, t.blocks[i], i);
  for (BlockId i = 0; i < 3; ++i) fifo.on_candidate(i, t.blocks[i], 10);
  fifo.on_withdrawn(0, t.blocks[0]);  // a request references block 0 again
  EXPECT_EQ(fifo.candidates(), 2u);
  EXPECT_EQ(fifo.victim(t, 11), 1u);
  fifo.on_candidate(0, t.blocks[0], 20);  // released again: still the oldest insertion
  EXPECT_EQ(drain(fifo, t), (std::vector<BlockId>{0, 1, 2}));
}

}  // namespace
}  // namespace xpusim::policy
