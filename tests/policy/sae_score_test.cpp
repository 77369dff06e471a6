// SAE's whole-history scoring and adaptive position decay on hand-made blocks: a hand-computed
// score, the decay power fitted from reuse by position, and the grouped whole-cache victim
// against a brute-force scan of every candidate.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>
#include <vector>

#include "xpusim/core/rng.hpp"
#include "xpusim/policy/prefix_eviction/position_decay_fit.hpp"
#include "xpusim/policy/prefix_eviction/sae.hpp"

namespace xpusim::policy {
namespace {

using workload::TokenType;

struct Table : BlockTable {
  std::vector<CachedBlock> blocks;
  const CachedBlock& block(BlockId id) const override { return blocks.at(id); }
  BlockId add(CachedBlock b) {
    blocks.push_back(b);
    return static_cast<BlockId>(blocks.size() - 1);
  }
};

void release(EvictionPolicy& p, Table& t, BlockId id, TimeNs now, std::uint64_t& order) {
  t.blocks[id].released_ns = now;
  t.blocks[id].release_order = ++order;
  p.on_candidate(id, t.blocks[id], now);
}

// Bins by floor(log2(1 + position)): 0 -> 0, 1..2 -> 1, 3..6 -> 2, 7..14 -> 3.
TEST(PositionDecayFit, BinsArePowersOfTwo) {
  EXPECT_EQ(PositionDecayFit::bin(0), 0u);
  EXPECT_EQ(PositionDecayFit::bin(2), 1u);
  EXPECT_EQ(PositionDecayFit::bin(3), 2u);
  EXPECT_EQ(PositionDecayFit::bin(6), 2u);
  EXPECT_EQ(PositionDecayFit::bin(7), 3u);
}

// Four blocks released at position 0, two reused (rate 1/2); four at position 3, one reused
// (rate 1/4). The power law through (ln 1, ln 1/2) and (ln 4, ln 1/4) has slope
// -ln 2 / ln 4 = -1/2, so beta = 0.5. A session block at position 3, idle 10 s, with the prior
// reuse-gap fit (log-normal, median horizon 30 s, sigma 1.5) and unit weights scores
//   P = (F(40) - F(10)) / (1 - F(10)) = 0.448005...,  times (1 + 3)^-0.5 = 1/2  -> 0.224003.
TEST(SaeScore, HandComputedScoreWithTheLearnedPositionDecay) {
  SaeEviction sae({.horizon_s = 30, .position_decay = 0.3, .learning_rate = 0, .window = 0,
                   .min_samples = 2});
  Table t;
  std::uint64_t order = 0;
  std::vector<BlockId> at0, at3;
  // Structural-queue blocks (no session): their reuses leave the session queue's fit alone.
  for (int k = 0; k < 4; ++k) at0.push_back(t.add({.type = TokenType::System, .position = 0}));
  for (int k = 0; k < 4; ++k) at3.push_back(t.add({.type = TokenType::System, .position = 3}));
  for (BlockId b : at0) release(sae, t, b, 0, order);
  for (BlockId b : at3) release(sae, t, b, 0, order);
  EXPECT_DOUBLE_EQ(sae.position_decay(), 0.3);  // releases but no reuse yet: the prior
  for (BlockId b : {at0[0], at0[1], at3[0]}) {
    sae.on_withdrawn(b, t.blocks[b]);
    sae.on_touch(b, t.blocks[b], seconds_to_ns(1));
  }
  EXPECT_NEAR(sae.position_decay(), 0.5, 1e-12);
  const CachedBlock probe{.type = TokenType::User, .position = 3, .session = 7, .released_ns = 0};
  EXPECT_NEAR(sae.score(probe, seconds_to_ns(10)), 0.22400267722801734, 1e-12);
  // Fixed decay: the same block with beta = 0.3.
  SaeEviction fixed({.horizon_s = 30, .position_decay = 0.3, .window = 0, .min_samples = 2,
                     .adapt_position_decay = false});
  EXPECT_NEAR(fixed.score(probe, seconds_to_ns(10)), 0.4480053544560347 * std::pow(4.0, -0.3),
              1e-12);
}

// Window 0 scores the whole history: a deep block released last is the cheapest and goes,
// while window 16 sees only the 16 oldest blocks of each queue and takes one of them.
TEST(SaeScore, WholeWindowFindsTheCheapestBlockPastTheOldest) {
  auto fill = [](SaeEviction& sae, Table& t) {
    std::uint64_t order = 0;
    for (int k = 0; k < 40; ++k)
      release(sae, t, t.add({.type = TokenType::User, .position = 0, .session = 1}),
              seconds_to_ns(k), order);
    const BlockId deep = t.add({.type = TokenType::User, .position = 4000, .session = 1});
    release(sae, t, deep, seconds_to_ns(40), order);
    return deep;
  };
  SaeEviction whole({.window = 0, .adapt_position_decay = false});
  SaeEviction oldest({.window = 16, .adapt_position_decay = false});
  Table a, b;
  const BlockId deep = fill(whole, a);
  fill(oldest, b);
  EXPECT_EQ(whole.victim(a, seconds_to_ns(41)), deep);
  EXPECT_LT(oldest.victim(b, seconds_to_ns(41)), 16u);
}

// Random candidates (queues, types, positions, release times, learned weights) and removals:
// the grouped whole-cache victim equals a scan of every candidate for the lowest score, ties by
// (released earlier, deeper, release order, id).
TEST(SaeScore, GroupedVictimEqualsABruteForceScan) {
  SaeEviction sae({.horizon_s = 20, .position_decay = 0.4, .learning_rate = 0.3, .window = 0,
                   .min_samples = 3});
  Table t;
  RngStream rng(11);
  std::uint64_t order = 0;
  std::vector<bool> live;
  TimeNs now = 0;
  for (int step = 0; step < 600; ++step) {
    now += seconds_to_ns(rng.uniform(0, 2));
    const std::int64_t op = rng.uniform_int(0, 9);
    if (op < 6) {
      CachedBlock b{.type = static_cast<TokenType>(rng.uniform_int(0, 5)),
                    .position = static_cast<std::int32_t>(rng.uniform_int(0, 300)),
                    .session = static_cast<std::uint64_t>(rng.uniform_int(0, 3))};
      const BlockId id = t.add(b);
      live.push_back(true);
      // Several blocks often share a release instant (one request's blocks).
      release(sae, t, id, rng.uniform_int(0, 1) ? now : now - seconds_to_ns(1), order);
    } else if (op < 7) {
      sae.on_regret({.type = static_cast<TokenType>(rng.uniform_int(0, 5)),
                     .position = static_cast<std::int32_t>(rng.uniform_int(0, 300))},
                    now);
    } else if (sae.candidates() > 0) {
      const double beta = sae.position_decay();
      bool found = false;
      double best = 0;
      std::tuple<TimeNs, std::int32_t, std::uint64_t, BlockId> best_key{};
      for (BlockId id = 0; id < t.blocks.size(); ++id) {
        if (!live[id]) continue;
        const CachedBlock& b = t.blocks[id];
        const double s = sae.score(b, now);
        const auto key = std::make_tuple(b.released_ns, -b.position, b.order, id);
        if (!found || s < best || (s == best && key < best_key)) {
          found = true;
          best = s;
          best_key = key;
        }
      }
      ASSERT_DOUBLE_EQ(beta, sae.position_decay());
      const BlockId v = sae.victim(t, now);
      ASSERT_EQ(v, std::get<3>(best_key)) << "step " << step;
      sae.on_withdrawn(v, t.blocks[v]);
      live[v] = false;
    }
  }
}

}  // namespace
}  // namespace xpusim::policy
