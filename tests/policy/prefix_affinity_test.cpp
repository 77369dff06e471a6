#include "xpusim/policy/routing/prefix_affinity.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "xpusim/core/rng.hpp"

namespace xpusim::policy {
namespace {

struct LoadView : RoutingView {
  std::vector<std::int64_t> load;
  std::size_t instance_count() const override { return load.size(); }
  std::int64_t outstanding(std::size_t i) const override { return load.at(i); }
  double kv_used_fraction(std::size_t) const override { return 0; }
  std::int64_t free_kv_blocks(std::size_t) const override { return 0; }
  std::int64_t queued_prompt_blocks(std::size_t) const override { return 0; }
};

RouteRequest with(const std::vector<std::uint64_t>& hashes) {
  RouteRequest r;
  r.prefix_hashes = &hashes;
  return r;
}

TEST(PrefixAffinity, FollowsTheLongestRememberedPrefix) {
  LoadView v;
  v.load = {0, 0, 0};
  PrefixAffinityRouter r({1.5, 2, 1000});
  const std::vector<std::uint64_t> a = {1, 2, 3}, a_longer = {1, 2, 3, 4}, b = {9, 8};
  EXPECT_EQ(r.choose_instance(v, with(a)), 0u);  // nothing known: least loaded
  v.load = {1, 0, 0};
  EXPECT_EQ(r.choose_instance(v, with(b)), 1u);  // no match: least loaded
  v.load = {1, 1, 0};
  EXPECT_EQ(r.choose_instance(v, with(a_longer)), 0u);  // shares 3 blocks with instance 0
  EXPECT_EQ(r.matched_prefix(0, a_longer), 4u);
  EXPECT_EQ(r.matched_prefix(1, a_longer), 0u);
  // Only a leading run counts: a request that shares block 2 but not block 1 matches nothing.
  EXPECT_EQ(r.matched_prefix(0, {7, 2, 3}), 0u);
}

TEST(PrefixAffinity, LoadCapDivertsFromAnOverloadedHolder) {
  LoadView v;
  v.load = {0, 0};
  PrefixAffinityRouter r({1.5, 2, 1000});
  const std::vector<std::uint64_t> a = {1, 2};
  EXPECT_EQ(r.choose_instance(v, with(a)), 0u);
  v.load = {5, 2};  // cap = 1.5 x 2 + 2 = 5: still allowed
  EXPECT_EQ(r.choose_instance(v, with(a)), 0u);
  v.load = {6, 2};  // over the cap: the least loaded instead, which now learns the prefix
  EXPECT_EQ(r.choose_instance(v, with(a)), 1u);
  EXPECT_EQ(r.matched_prefix(1, a), 2u);
}

TEST(PrefixAffinity, ForgetsLeastRecentlyRoutedBlocksBeyondItsBound) {
  LoadView v;
  v.load = {0};
  PrefixAffinityRouter r({1.5, 2, 3});
  r.choose_instance(v, with({1, 2}));
  r.choose_instance(v, with({3, 4}));  // 4 blocks > 3: block 1 is forgotten
  EXPECT_EQ(r.matched_prefix(0, {1, 2}), 0u);
  EXPECT_EQ(r.matched_prefix(0, {2}), 1u);
  EXPECT_EQ(r.matched_prefix(0, {3, 4}), 2u);
}

// The router visits only the instances believed to hold the request's first block, and finds
// the least loaded through its index when the view reports its changes; its pick equals the
// rule applied to every instance (written out here with the router's own matched_prefix):
// random prompts drawn from a few shared prefixes (so many instances match, with equal
// lengths), loads 0-4 (ties), a small memory so blocks are forgotten, both kinds of view.
TEST(PrefixAffinity, VisitingTheFirstBlocksHoldersPicksWhatMatchingEveryInstancePicks) {
  struct Reporting : LoadView {
    bool reports = false;
    bool reports_load_changes() const override { return reports; }
  };
  RngStream rng(31);
  for (const bool reporting : {false, true})
    for (const std::size_t n : {1u, 4u, 13u, 64u}) {
      PrefixAffinityRouter r({1.5, 2, 40});
      Reporting v;
      v.reports = reporting;
      v.load.assign(n, 0);
      for (int step = 0; step < 1500; ++step) {
        for (std::int64_t c = rng.uniform_int(0, 3); c > 0; --c) {
          const auto i = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(n) - 1));
          v.load[i] = rng.uniform_int(0, 4);
          r.on_load_changed(i);
        }
        // One of 5 prefixes of 1-6 blocks, then 0-3 blocks of its own.
        std::vector<std::uint64_t> hashes;
        const std::uint64_t family = static_cast<std::uint64_t>(rng.uniform_int(0, 4));
        for (std::int64_t b = rng.uniform_int(1, 6); b > 0; --b)
          hashes.push_back(family * 100 + static_cast<std::uint64_t>(hashes.size()));
        for (std::int64_t b = rng.uniform_int(0, 3); b > 0; --b)
          hashes.push_back(static_cast<std::uint64_t>(1000 + rng.uniform_int(0, 1000000)));
        // The rule over every instance.
        std::size_t least = 0;
        for (std::size_t i = 1; i < n; ++i)
          if (v.load[i] < v.load[least]) least = i;
        std::size_t best = least, best_match = r.matched_prefix(least, hashes);
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t m = r.matched_prefix(i, hashes);
          if (m > best_match || (m == best_match && m > 0 && v.load[i] < v.load[best])) {
            best = i;
            best_match = m;
          }
        }
        const double cap = 1.5 * static_cast<double>(v.load[least]) + 2;
        const std::size_t expected =
            best_match > 0 && static_cast<double>(v.load[best]) <= cap ? best : least;
        const std::size_t pick = r.choose_instance(v, with(hashes));
        ASSERT_EQ(pick, expected) << "n=" << n << " step " << step;
        ++v.load[pick];
        r.on_load_changed(pick);
      }
    }
}

}  // namespace
}  // namespace xpusim::policy
