// Each eviction policy alone on hand-made block states.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "xpusim/policy/prefix_eviction/lfu.hpp"
#include "xpusim/policy/prefix_eviction/lru.hpp"
#include "xpusim/policy/prefix_eviction/reuse_gap_fit.hpp"
#include "xpusim/policy/prefix_eviction/sae.hpp"
#include "xpusim/policy/prefix_eviction/ttl.hpp"

namespace xpusim::policy {
namespace {

using workload::TokenType;

// Blocks by id, as a cache would hold them.
struct Table : BlockTable {
  std::vector<CachedBlock> blocks;
  const CachedBlock& block(BlockId id) const override { return blocks.at(id); }
  BlockId add(CachedBlock b) {
    blocks.push_back(b);
    return static_cast<BlockId>(blocks.size() - 1);
  }
};

// Releases `id` at `now` with the next release order, then offers it as a candidate.
void release(EvictionPolicy& p, Table& t, BlockId id, TimeNs now, std::uint64_t& order) {
  t.blocks[id].released_ns = now;
  t.blocks[id].release_order = ++order;
  p.on_candidate(id, t.blocks[id], now);
}

TEST(LruEviction, EvictsInReleaseOrderSoARequestsTailGoesBeforeItsPrefix) {
  LruEviction lru;
  Table t;
  std::uint64_t order = 0;
  // One request held blocks 0..3 (prefix first); the cache releases them tail first.
  for (int i = 0; i < 4; ++i) t.add({.position = i});
  for (int i = 3; i >= 0; --i) release(lru, t, static_cast<BlockId>(i), 100, order);
  std::vector<BlockId> evicted;
  while (lru.candidates() > 0) {
    const BlockId v = lru.victim(t, 200);
    lru.on_withdrawn(v, t.blocks[v]);
    evicted.push_back(v);
  }
  EXPECT_EQ(evicted, (std::vector<BlockId>{3, 2, 1, 0}));
}

TEST(LruEviction, AWithdrawnBlockIsNeverChosen) {
  LruEviction lru;
  Table t;
  std::uint64_t order = 0;
  const BlockId a = t.add({}), b = t.add({});
  release(lru, t, a, 1, order);
  release(lru, t, b, 2, order);
  lru.on_withdrawn(a, t.blocks[a]);  // a request references `a` again
  EXPECT_EQ(lru.candidates(), 1u);
  EXPECT_EQ(lru.victim(t, 3), b);
}

TEST(LfuEviction, FewestHitsFirstThenOldestRelease) {
  LfuEviction lfu;
  Table t;
  std::uint64_t order = 0;
  const BlockId hot = t.add({.hits = 5}), cold_old = t.add({.hits = 1}), cold_new = t.add({.hits = 1});
  release(lfu, t, hot, 1, order);
  release(lfu, t, cold_old, 2, order);
  release(lfu, t, cold_new, 3, order);
  EXPECT_EQ(lfu.victim(t, 4), cold_old);
  lfu.on_withdrawn(cold_old, t.blocks[cold_old]);
  EXPECT_EQ(lfu.victim(t, 4), cold_new);
  lfu.on_withdrawn(cold_new, t.blocks[cold_new]);
  EXPECT_EQ(lfu.victim(t, 4), hot);
}

TEST(TtlEviction, PinsAContinuingTurnsBlocksUntilTheTtlThenFallsBackToLru) {
  TtlEviction ttl({.ttl_s = 10});
  Table t;
  std::uint64_t order = 0;
  const BlockId turn = t.add({.session = 7, .followup = true}), other = t.add({.session = 7});
  release(ttl, t, turn, seconds_to_ns(1), order);   // older, but pinned until 11 s
  release(ttl, t, other, seconds_to_ns(2), order);
  EXPECT_EQ(ttl.victim(t, seconds_to_ns(5)), other);
  // After expiry the pinned block is an ordinary LRU block, older than `other`.
  EXPECT_EQ(ttl.victim(t, seconds_to_ns(12)), turn);
  ttl.on_withdrawn(turn, t.blocks[turn]);
  EXPECT_EQ(ttl.candidates(), 1u);
  EXPECT_EQ(ttl.victim(t, seconds_to_ns(12)), other);
}

TEST(TtlEviction, WhenEveryCandidateIsPinnedTheEarliestExpiryYields) {
  TtlEviction ttl({.ttl_s = 10});
  Table t;
  std::uint64_t order = 0;
  const BlockId a = t.add({.session = 1, .followup = true}), b = t.add({.session = 2, .followup = true});
  release(ttl, t, b, seconds_to_ns(2), order);
  release(ttl, t, a, seconds_to_ns(3), order);
  EXPECT_EQ(ttl.victim(t, seconds_to_ns(4)), b);
}

TEST(TtlEviction, LearnsTheTtlFromSessionReuseGaps) {
  TtlEviction ttl({.ttl_s = 0, .quantile = 0.9, .initial_ttl_s = 10, .max_ttl_s = 1000, .min_samples = 4});
  EXPECT_DOUBLE_EQ(ttl.current_ttl_s(), 10.0);
  Table t;
  const BlockId b = t.add({.session = 3, .followup = true});
  // Turns come back 40 s after the previous one ended, every time.
  for (int k = 0; k < 20; ++k) {
    t.blocks[b].released_ns = seconds_to_ns(100.0 * k);
    ttl.on_touch(b, t.blocks[b], seconds_to_ns(100.0 * k + 40));
  }
  EXPECT_NEAR(ttl.current_ttl_s(), 40.0, 4.0);  // sigma floor widens the quantile slightly
}

TEST(ReuseGapFit, ConditionalReuseProbabilityFallsWithIdleTime) {
  ReuseGapFit fit(std::log(10.0), 0.5, 1);
  for (double g : {8.0, 9.0, 10.0, 11.0, 12.0}) fit.add(g);
  EXPECT_NEAR(fit.cdf(std::exp(fit.mu())), 0.5, 1e-9);
  // A block idle for 1 s is likely reused within 20 s; one idle for 200 s is not.
  EXPECT_GT(fit.reuse_within(1, 20), 0.9);
  EXPECT_LT(fit.reuse_within(200, 20), 0.01);
  EXPECT_NEAR(fit.cdf(fit.quantile(0.9)), 0.9, 1e-6);
}

TEST(SaeEviction, KeepsTheTypeThatWasRegrettedAndDecaysWithPosition) {
  SaeEviction sae({.horizon_s = 30, .position_decay = 0.5, .learning_rate = 1.0, .window = 8});
  Table t;
  std::uint64_t order = 0;
  const BlockId tool = t.add({.type = TokenType::Tool, .position = 2});
  const BlockId user = t.add({.type = TokenType::User, .position = 2});
  release(sae, t, tool, 0, order);
  release(sae, t, user, 0, order);
  // Equal scores: the older release goes (LRU tie-break).
  EXPECT_EQ(sae.victim(t, seconds_to_ns(1)), tool);
  // Tool blocks were wanted after eviction: their weight rises and user blocks go first.
  sae.on_regret({.type = TokenType::Tool}, 0);
  EXPECT_GT(sae.type_weight(TokenType::Tool), sae.type_weight(TokenType::User));
  EXPECT_EQ(sae.victim(t, seconds_to_ns(1)), user);
  // Deeper blocks are worth less.
  CachedBlock shallow{.type = TokenType::User, .position = 0, .released_ns = 0};
  CachedBlock deep = shallow;
  deep.position = 40;
  EXPECT_GT(sae.score(shallow, seconds_to_ns(1)), sae.score(deep, seconds_to_ns(1)));
}

TEST(SaeEviction, RoutesSessionAndStructuralBlocksToSeparateQueues) {
  EXPECT_EQ(SaeEviction::queue_of({.type = TokenType::User, .session = 4}), SaeEviction::kSession);
  EXPECT_EQ(SaeEviction::queue_of({.type = TokenType::System, .session = 4}), SaeEviction::kStructural);
  EXPECT_EQ(SaeEviction::queue_of({.type = TokenType::User, .session = 0}), SaeEviction::kStructural);
}

TEST(SaeEviction, IdleBlocksPastTheirQueuesReuseGapsGoFirst) {
  SaeEviction sae({.horizon_s = 5, .position_decay = 0, .learning_rate = 0, .window = 8, .min_samples = 2});
  Table t;
  std::uint64_t order = 0;
  // Structural blocks are reused every ~2 s; session blocks every ~100 s.
  CachedBlock probe{.session = 0, .released_ns = 0};
  for (int k = 0; k < 10; ++k) sae.on_touch(0, probe, seconds_to_ns(2));
  CachedBlock sprobe{.session = 9, .released_ns = 0};
  for (int k = 0; k < 10; ++k) sae.on_touch(0, sprobe, seconds_to_ns(100));
  const BlockId structural = t.add({.session = 0});
  const BlockId session = t.add({.session = 9});
  release(sae, t, structural, 0, order);
  release(sae, t, session, 0, order);
  // 30 s idle: a structural block is long overdue (unlikely to come back); a session block is
  // still before its typical gap.
  EXPECT_EQ(sae.victim(t, seconds_to_ns(30)), structural);
}

}  // namespace
}  // namespace xpusim::policy
