// Llumnix's pairing rule on hand-made loads (docs/serving.md, "Live migration").
#include <gtest/gtest.h>

#include <vector>

#include "xpusim/policy/migration/llumnix.hpp"
#include "xpusim/policy/migration/no_migration.hpp"

namespace xpusim::policy {
namespace {

struct FakeMigrationView : MigrationView {
  std::vector<std::int64_t> used, candidate, total;
  std::vector<bool> busy;
  std::vector<std::int64_t> high;
  std::size_t instance_count() const override { return used.size(); }
  std::int64_t total_blocks(std::size_t i) const override { return total.empty() ? 100 : total.at(i); }
  std::int64_t virtual_used_blocks(std::size_t i) const override { return used.at(i); }
  std::int64_t candidate_blocks(std::size_t i) const override { return candidate.at(i); }
  bool can_migrate_in(std::size_t i) const override { return busy.empty() || !busy.at(i); }
  std::int64_t high_priority_requests(std::size_t i) const override {
    return high.empty() ? 0 : high.at(i);
  }
};

std::vector<MigrationPair> pairs(const FakeMigrationView& v, double threshold = 0.9) {
  LlumnixMigration::Config cfg;
  cfg.migrate_out_load_threshold = threshold;
  LlumnixMigration policy(cfg);
  std::vector<MigrationPair> out{{7, 7}};  // cleared by the policy
  policy.choose_pairs(v, out);
  return out;
}

using Pairs = std::vector<MigrationPair>;

// Loads .8 .2 .5 .4: sources 0,2,3,1 against destinations 1,3,2,0. Pair 0->1: before .6,
// after .7 - .3 = .4, so it migrates; pair 2->3: before .1, after .4 - .5 < 0, so it does not;
// the rest have before < 0.
TEST(LlumnixPairing, PairsIthMostLoadedWithIthLeastLoaded) {
  FakeMigrationView v;
  v.used = {80, 20, 50, 40};
  v.candidate = {10, 5, 10, 10};
  EXPECT_EQ(pairs(v), (Pairs{{0, 1}}));
}

TEST(LlumnixPairing, SeveralPairsAndNoSelfPairOnEqualLoads) {
  FakeMigrationView v;
  v.used = {90, 10, 80, 20, 50, 50};
  v.candidate = {5, 5, 5, 5, 5, 5};
  EXPECT_EQ(pairs(v), (Pairs{{0, 1}, {2, 3}}));
}

// after_in(1) = .2 + .1 = .3: allowed under .31, skipped under .29.
TEST(LlumnixPairing, SkipsWhenDestinationWouldExceedThreshold) {
  FakeMigrationView v;
  v.used = {80, 20};
  v.candidate = {10, 0};
  EXPECT_EQ(pairs(v, 0.31), (Pairs{{0, 1}}));
  EXPECT_EQ(pairs(v, 0.29), Pairs{});
}

// 0 < after < before: a move that overshoots (after < 0), one that evens the loads exactly
// (after = 0), and one that moves nothing (after = before) are skipped.
TEST(LlumnixPairing, MigratesOnlyWhenTheGapNarrowsWithoutOvershoot) {
  FakeMigrationView v;
  v.used = {60, 40};
  v.candidate = {5, 0};  // after = .55 - .45 = .1 < .2
  EXPECT_EQ(pairs(v), (Pairs{{0, 1}}));
  v.candidate = {15, 0};  // after = .45 - .55 < 0
  EXPECT_EQ(pairs(v), Pairs{});
  v.candidate = {10, 0};  // after = 0
  EXPECT_EQ(pairs(v), Pairs{});
  v.candidate = {0, 0};  // nothing to move: after = before
  EXPECT_EQ(pairs(v), Pairs{});
}

TEST(LlumnixPairing, LoadIsAFractionOfEachInstancesBlocks) {
  FakeMigrationView v;
  v.used = {100, 40};  // .5 of 200 vs .8 of 50: instance 1 is the loaded one
  v.total = {200, 50};
  v.candidate = {0, 5};  // after = (.7) - (.525) = .175 < .3
  EXPECT_EQ(pairs(v), (Pairs{{1, 0}}));
}

TEST(LlumnixPairing, BusyDestinationIsSkipped) {
  FakeMigrationView v;
  v.used = {80, 20};
  v.candidate = {10, 0};
  v.busy = {false, true};
  EXPECT_EQ(pairs(v), Pairs{});
}

TEST(NoMigration, NeverPairs) {
  FakeMigrationView v;
  v.used = {100, 0};
  v.candidate = {10, 0};
  NoMigration p;
  std::vector<MigrationPair> out{{0, 1}};
  p.choose_pairs(v, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p.settings().interval_s, 0);
}

// The fixed stop-and-copy cost is declared in ms and stored in s; its default 0 keeps every
// existing scenario's downtime as the last round's transfer alone.
TEST(LlumnixPairing, FixedDowntimeKeyIsInMillisecondsDefaultZero) {
  EXPECT_EQ(LlumnixMigration::binding().from({}).settings.downtime_fixed_s, 0.0);
  const auto c = LlumnixMigration::binding().from({{"downtime_fixed_ms", ParamValue(25.0)}});
  EXPECT_DOUBLE_EQ(c.settings.downtime_fixed_s, 0.025);
  EXPECT_THROW(LlumnixMigration::binding().from({{"downtime_fixed_ms", ParamValue(-1.0)}}),
               std::exception);
}

// Priority headroom: instance 1 (30 of 100 blocks, 2 high-priority requests) looks 30 + 2 x 20
// = 70 full with 20 blocks of headroom each, so it becomes the source against instance 0 (50):
// moving its 5-block candidate gives after = .65 - .55 = .1 < before = .2. Without headroom
// instance 0 (.5) is the source against 1 (.3): after = .45 - .35 = .1 < before = .2.
TEST(LlumnixPairing, PriorityHeadroomTurnsHighPriorityInstancesIntoSources) {
  FakeMigrationView v;
  v.used = {50, 30};
  v.candidate = {5, 5};
  v.high = {0, 2};
  EXPECT_EQ(pairs(v), (Pairs{{0, 1}}));
  LlumnixMigration::Config cfg;
  cfg.priority_headroom_blocks = 20;
  LlumnixMigration policy(cfg);
  std::vector<MigrationPair> out;
  policy.choose_pairs(v, out);
  EXPECT_EQ(out, (Pairs{{1, 0}}));
}

}  // namespace
}  // namespace xpusim::policy
