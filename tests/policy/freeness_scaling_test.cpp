// Llumnix auto-scaling decisions on hand-made cluster states (docs/serving.md, "Auto-scaling").
#include <gtest/gtest.h>

#include <cmath>

#include "xpusim/policy/scaling/freeness_scaling.hpp"

namespace xpusim::policy {
namespace {

FreenessScaling scaling(int min = 1, int max = 4) {
  FreenessScaling::Config c;
  c.enabled = true;
  c.min_instances = min;
  c.max_instances = max;
  c.scale_up_freeness = 10;
  c.scale_down_freeness = 60;
  return FreenessScaling(c);
}

// 2 active instances of 100 blocks; 16 tokens per block.
ScalingView two_active(std::int64_t free, std::int64_t requests) {
  ScalingView v;
  v.free_blocks = free;
  v.requests = requests;
  v.removable_blocks = 100;
  v.active = 2;
  v.off = 2;
  return v;
}

TEST(FreenessScaling, FreenessIsDecodeStepsOfFreeMemoryPerRequest) {
  EXPECT_DOUBLE_EQ(FreenessScaling::freeness(two_active(50, 40)), 16.0 * 50 / 40);  // 20
  EXPECT_TRUE(std::isinf(FreenessScaling::freeness(two_active(50, 0))));
  // Without the removable instance's 100 blocks: 150 - 100 = 50 -> 16 x 50 / 8 = 100.
  EXPECT_DOUBLE_EQ(FreenessScaling::freeness_without_removable(two_active(150, 8)), 100.0);
  // Floored at zero free blocks.
  EXPECT_DOUBLE_EQ(FreenessScaling::freeness_without_removable(two_active(60, 8)), 0.0);
}

// Freeness 16 x 25 / 40 = 10 is not below 10: no action; 24 free blocks give 9.6: up.
TEST(FreenessScaling, ScalesUpStrictlyBelowTheThreshold) {
  EXPECT_EQ(scaling().decide(two_active(25, 40)), ScaleAction::None);
  EXPECT_EQ(scaling().decide(two_active(24, 40)), ScaleAction::Up);
  EXPECT_EQ(scaling().decide(two_active(-5, 40)), ScaleAction::Up);  // queued demand > free
}

// Without the last instance: 16 x (130 - 100) / 8 = 60 is not above 60; 131 gives 62.
TEST(FreenessScaling, ScalesDownWhenFreeEnoughWithoutTheLeavingInstance) {
  EXPECT_EQ(scaling().decide(two_active(130, 8)), ScaleAction::None);
  EXPECT_EQ(scaling().decide(two_active(131, 8)), ScaleAction::Down);
  EXPECT_EQ(scaling().decide(two_active(0, 0)), ScaleAction::Down);  // idle
}

TEST(FreenessScaling, RespectsMinAndMaxInstances) {
  EXPECT_EQ(scaling(2, 4).decide(two_active(0, 0)), ScaleAction::None);  // at min
  ScalingView full = two_active(0, 40);
  EXPECT_EQ(scaling(1, 2).decide(full), ScaleAction::None);  // 2 provisioned = max
  full.off = 0;
  EXPECT_EQ(scaling(1, 4).decide(full), ScaleAction::None);  // none left to start
}

TEST(FreenessScaling, OneActionAtATime) {
  ScalingView v = two_active(0, 40);
  v.starting = 1;
  v.off = 1;
  EXPECT_EQ(scaling().decide(v), ScaleAction::None);  // wait for the one starting
  ScalingView idle = two_active(0, 0);
  idle.draining = 1;
  EXPECT_EQ(scaling().decide(idle), ScaleAction::None);  // one drain at a time
  idle.draining = 0;
  idle.starting = 1;
  EXPECT_EQ(scaling().decide(idle), ScaleAction::None);
}

// Load returns while an instance drains: it is kept (Up) even at max provisioned.
TEST(FreenessScaling, KeepsADrainingInstanceInsteadOfStartingOne) {
  ScalingView v = two_active(0, 40);
  v.draining = 1;
  v.off = 0;
  EXPECT_EQ(scaling(1, 3).decide(v), ScaleAction::Up);
}

TEST(FreenessScaling, DefaultsOffWithThePapersThresholds) {
  const auto c = FreenessScaling::binding().from({});
  EXPECT_FALSE(c.enabled);
  EXPECT_DOUBLE_EQ(c.scale_up_freeness, 10);
  EXPECT_DOUBLE_EQ(c.scale_down_freeness, 60);
}

}  // namespace
}  // namespace xpusim::policy
