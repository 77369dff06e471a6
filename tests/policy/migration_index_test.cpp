// Llumnix pairing kept in an ordered index (issue 19): the indexed walk gives the same pairs as
// the full scan on random loads with ties, draining instances and busy destinations, and a
// draining source migrates to any destination under the threshold.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "xpusim/policy/migration/llumnix.hpp"

namespace xpusim::policy {
namespace {

struct ReportingView : MigrationView {
  std::vector<std::int64_t> used, candidate, total, high;
  std::vector<bool> busy, drain;
  bool reporting = true;
  std::size_t instance_count() const override { return used.size(); }
  std::int64_t total_blocks(std::size_t i) const override { return total.at(i); }
  std::int64_t virtual_used_blocks(std::size_t i) const override { return used.at(i); }
  std::int64_t candidate_blocks(std::size_t i) const override { return candidate.at(i); }
  bool can_migrate_in(std::size_t i) const override { return !busy.at(i) && !drain.at(i); }
  std::int64_t high_priority_requests(std::size_t i) const override { return high.at(i); }
  bool draining(std::size_t i) const override { return drain.at(i); }
  bool reports_load_changes() const override { return reporting; }
};

using Pairs = std::vector<MigrationPair>;

// 200 rounds on 40 instances of two sizes: each round changes a few instances (reported), and
// the indexed pairs must equal a fresh scan's. Loads are drawn from few values so that ties
// (which the scan breaks by index) are common.
TEST(LlumnixIndex, IndexedPairsEqualTheFullScanUnderRandomChanges) {
  std::mt19937_64 rng(17);
  const std::size_t n = 40;
  ReportingView v;
  v.used.assign(n, 0);
  v.candidate.assign(n, 0);
  v.high.assign(n, 0);
  v.busy.assign(n, false);
  v.drain.assign(n, false);
  for (std::size_t i = 0; i < n; ++i) v.total.push_back(i % 3 == 0 ? 200 : 100);
  LlumnixMigration::Config cfg;
  cfg.priority_headroom_blocks = 10;
  LlumnixMigration indexed(cfg), reference(cfg);
  std::uniform_int_distribution<int> step(0, 10), inst(0, static_cast<int>(n) - 1), coin(0, 7);
  std::size_t pairs_seen = 0, draining_pairs = 0;
  for (int round = 0; round < 200; ++round) {
    for (int c = 0; c < 1 + round % 5; ++c) {
      const auto i = static_cast<std::size_t>(inst(rng));
      v.used[i] = 10 * step(rng);
      v.candidate[i] = step(rng);
      v.high[i] = coin(rng) == 0;
      v.busy[i] = coin(rng) == 0;
      v.drain[i] = coin(rng) == 0 && round % 3 == 0;
      indexed.on_load_changed(v, i);
    }
    Pairs a, b;
    indexed.choose_pairs(v, a);
    reference.scan_pairs(v, b);
    ASSERT_EQ(a, b) << "round " << round;
    pairs_seen += a.size();
    for (const auto& p : a) draining_pairs += v.drain[p.from];
  }
  EXPECT_GT(pairs_seen, 200u);  // the comparison covered many migrating pairs
  EXPECT_GT(draining_pairs, 0u);
}

// Instances the policy never heard of are indexed at the next check.
TEST(LlumnixIndex, InstancesAddedLaterAreIndexedAtTheCheck) {
  ReportingView v;
  v.used = {80, 20};
  v.candidate = {10, 0};
  v.total = {100, 100};
  v.high = {0, 0};
  v.busy = {false, false};
  v.drain = {false, false};
  LlumnixMigration p({});
  Pairs out;
  p.choose_pairs(v, out);
  EXPECT_EQ(out, (Pairs{{0, 1}}));
  v.used.push_back(0);
  v.candidate.push_back(0);
  v.total.push_back(100);
  v.high.push_back(0);
  v.busy.push_back(false);
  v.drain.push_back(false);
  p.choose_pairs(v, out);  // 0 -> 2 (load 0) now, 1 pairs with nobody lighter
  EXPECT_EQ(out, (Pairs{{0, 2}}));
}

// A draining instance (infinite load) migrates its candidate to the least-loaded destination
// even when that would overshoot (the balanced rule would refuse: 30 of 100 blocks into .25
// gives .55 > .1 left behind); a draining destination never receives, and the threshold still
// holds.
TEST(LlumnixIndex, DrainingSourceMovesOutUnderTheThreshold) {
  for (const bool reporting : {false, true}) {
    ReportingView v;
    v.reporting = reporting;
    v.used = {40, 25, 90};
    v.candidate = {30, 5, 5};
    v.total = {100, 100, 100};
    v.high = {0, 0, 0};
    v.busy = {false, false, false};
    v.drain = {true, false, false};
    LlumnixMigration::Config cfg;
    cfg.migrate_out_load_threshold = 0.9;
    LlumnixMigration p(cfg);
    Pairs out;
    p.choose_pairs(v, out);
    EXPECT_EQ(out, (Pairs{{0, 1}})) << reporting;
    cfg.migrate_out_load_threshold = 0.5;  // .25 + .30 = .55 > .5
    LlumnixMigration strict(cfg);
    strict.choose_pairs(v, out);
    EXPECT_EQ(out, Pairs{}) << reporting;
  }
}

}  // namespace
}  // namespace xpusim::policy
