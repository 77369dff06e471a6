#include "xpusim/policy/routing/prefix_affinity.hpp"

#include <gtest/gtest.h>

#include <vector>

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

}  // namespace
}  // namespace xpusim::policy
