// ATP's AIMD window on hand-made sequences of marked and unmarked results.
#include "xpusim/systems/aimd_window.hpp"

#include <gtest/gtest.h>

namespace xpusim::systems {
namespace {

// Feeds `n` results, the k-th (0-based) marked when k == mark_at; returns whether the last
// one changed the window.
bool feed(AimdWindow& w, int n, int mark_at = -1) {
  bool changed = false;
  for (int k = 0; k < n; ++k) changed = w.on_result(k == mark_at);
  return changed;
}

TEST(AimdWindow, GrowsAdditivelyAndHalvesOncePerMarkedRound) {
  AimdWindow w({.initial = 8, .min = 1, .max = 64, .increase = 2});
  EXPECT_EQ(w.window(), 8);
  EXPECT_FALSE(feed(w, 7));  // the round is not over: no change mid-round
  EXPECT_EQ(w.window(), 8);
  EXPECT_TRUE(w.on_result(false));  // 8th result: clean round, +2
  EXPECT_EQ(w.window(), 10);
  feed(w, 10, /*mark_at=*/2);  // one mark anywhere in the round halves once
  EXPECT_EQ(w.window(), 5);
  EXPECT_EQ(w.decreases(), 1);
  feed(w, 5, 0);
  feed(w, 2, 1);  // 5 -> 2 -> 1
  EXPECT_EQ(w.window(), 1);
  feed(w, 1, 0);  // never below min
  EXPECT_EQ(w.window(), 1);
  EXPECT_EQ(w.decreases(), 4);
  feed(w, 1);  // 1 -> 3 -> 5
  feed(w, 3);
  EXPECT_EQ(w.window(), 5);
}

TEST(AimdWindow, LossEndsTheRoundWithADecreaseAndMaxCaps) {
  AimdWindow w({.initial = 16, .min = 2, .max = 16, .increase = 4});
  feed(w, 16);
  EXPECT_EQ(w.window(), 16) << "capped at max";
  w.on_loss();
  feed(w, 16);
  EXPECT_EQ(w.window(), 8);
  feed(w, 8);
  EXPECT_EQ(w.window(), 12);
  AimdWindow clamped({.initial = 100, .min = 1, .max = 32, .increase = 1});
  EXPECT_EQ(clamped.window(), 32) << "initial above max starts at max";
}

}  // namespace
}  // namespace xpusim::systems
