// Continuum's per-tool TTL (ttl mode per_tool) on hand-made gaps: each tool type's TTL is the
// quantile of a log-normal fitted to that tool's own observed gaps, hand-computed here.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "xpusim/policy/prefix_eviction/ttl.hpp"

namespace xpusim::policy {
namespace {

using workload::TokenType;

struct Table : BlockTable {
  std::vector<CachedBlock> blocks;
  const CachedBlock& block(BlockId id) const override { return blocks.at(id); }
};

// One observed gap: a continuing turn that called `tool` released a block at 0, the next turn
// reused it `gap_s` later.
void observe(TtlEviction& ttl, std::int32_t tool, double gap_s) {
  CachedBlock b{.type = TokenType::Tool, .session = 1, .followup = true, .released_ns = 0};
  b.tool = tool;
  ttl.on_touch(0, b, seconds_to_ns(gap_s));
}

TtlEviction::Config median_config(TtlEviction::Mode mode) {
  return {.mode = mode, .ttl_s = 0, .quantile = 0.5, .initial_ttl_s = 10, .max_ttl_s = 1000,
          .min_samples = 2};
}

// Tool 0 ("search") took 2 s and 8 s, tool 1 ("build") 30 s and 120 s. The median of a
// log-normal is exp(mean of the log gaps): tool 0 sqrt(2*8) = 4 s, tool 1 sqrt(30*120) = 60 s,
// all four together (2*8*30*120)^(1/4) = 15.4919... s.
TEST(TtlPerTool, EachToolIsPinnedForItsOwnLearnedTtl) {
  TtlEviction ttl(median_config(TtlEviction::Mode::PerTool));
  EXPECT_DOUBLE_EQ(ttl.current_ttl_s(0), 10.0);  // no gaps yet: initial_ttl_s
  for (double g : {2.0, 8.0}) observe(ttl, 0, g);
  for (double g : {30.0, 120.0}) observe(ttl, 1, g);
  EXPECT_NEAR(ttl.current_ttl_s(0), 4.0, 1e-9);
  EXPECT_NEAR(ttl.current_ttl_s(1), 60.0, 1e-9);
  // A tool with fewer than min_samples gaps, and an untyped turn, get the all-tools TTL.
  EXPECT_NEAR(ttl.current_ttl_s(2), 15.491933384829668, 1e-9);
  EXPECT_NEAR(ttl.current_ttl_s(-1), 15.491933384829668, 1e-9);

  // The pin itself: released at 100 s by a turn that called tool 0 -> pinned until 104 s.
  Table t;
  t.blocks.push_back({.session = 1, .followup = true, .released_ns = seconds_to_ns(100)});
  t.blocks[0].tool = 0;
  t.blocks.push_back({.session = 2, .released_ns = seconds_to_ns(100)});  // not continuing: LRU
  t.blocks[0].release_order = 1;
  t.blocks[1].release_order = 2;
  ttl.on_candidate(0, t.blocks[0], seconds_to_ns(100));
  ttl.on_candidate(1, t.blocks[1], seconds_to_ns(100));
  EXPECT_EQ(t.blocks[0].pinned_until_ns, seconds_to_ns(104));
  EXPECT_EQ(ttl.victim(t, seconds_to_ns(103.9)), 1u);  // still pinned: the LRU block goes
  ttl.on_withdrawn(1, t.blocks[1]);
  EXPECT_EQ(ttl.victim(t, seconds_to_ns(104.1)), 0u);  // expired: back in LRU
}

// The upper quantile uses each tool's own spread: tool 0's log gaps ln 2, ln 8 have mean ln 4 and
// sample sd sqrt(2) ln 2, so its 0.9 quantile is 4 exp(1.28155 * sqrt(2) ln 2) = 14.0489 s.
TEST(TtlPerTool, UpperQuantileUsesTheToolsOwnSpread) {
  TtlEviction::Config c = median_config(TtlEviction::Mode::PerTool);
  c.quantile = 0.9;
  TtlEviction ttl(c);
  for (double g : {2.0, 8.0}) observe(ttl, 0, g);
  EXPECT_NEAR(ttl.current_ttl_s(0), 14.048922739849017, 1e-6);
}

// Mode global (the default) pools every tool: the same gaps give one TTL for all.
TEST(TtlPerTool, GlobalModeIgnoresTheToolType) {
  TtlEviction ttl(median_config(TtlEviction::Mode::Global));
  for (double g : {2.0, 8.0}) observe(ttl, 0, g);
  for (double g : {30.0, 120.0}) observe(ttl, 1, g);
  EXPECT_NEAR(ttl.current_ttl_s(0), 15.491933384829668, 1e-9);
  EXPECT_NEAR(ttl.current_ttl_s(1), 15.491933384829668, 1e-9);
}

// A shared system-prompt block is hit by other sessions' turns too: that gap is no tool's
// duration and stays out of the tool's fit (it still counts for the all-tools TTL).
TEST(TtlPerTool, SystemPromptHitsDoNotTrainAToolsTtl) {
  TtlEviction ttl(median_config(TtlEviction::Mode::PerTool));
  for (double g : {2.0, 8.0}) observe(ttl, 0, g);
  CachedBlock sys{.type = TokenType::System, .session = 1, .followup = true, .released_ns = 0};
  sys.tool = 0;
  for (int k = 0; k < 5; ++k) ttl.on_touch(0, sys, seconds_to_ns(500));
  EXPECT_NEAR(ttl.current_ttl_s(0), 4.0, 1e-9);
  EXPECT_GT(ttl.current_ttl_s(-1), 15.0);
}

}  // namespace
}  // namespace xpusim::policy
