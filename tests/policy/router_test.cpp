#include <gtest/gtest.h>

#include <vector>

#include "xpusim/policy/routing/least_kv_load.hpp"
#include "xpusim/policy/routing/least_outstanding.hpp"
#include "xpusim/policy/routing/round_robin.hpp"

namespace xpusim::policy {
namespace {

struct FakeRoutingView : RoutingView {
  std::vector<std::int64_t> load;
  std::vector<double> kv;
  std::size_t instance_count() const override { return load.size(); }
  std::int64_t outstanding(std::size_t i) const override { return load.at(i); }
  double kv_used_fraction(std::size_t i) const override { return kv.empty() ? 0 : kv.at(i); }
};

TEST(RoundRobin, CyclesThroughInstances) {
  FakeRoutingView v;
  v.load = {9, 0, 5};
  RoundRobinRouter r;
  std::vector<std::size_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(r.choose_instance(v, {}));
  EXPECT_EQ(got, (std::vector<std::size_t>{0, 1, 2, 0, 1}));
}

TEST(LeastOutstanding, PicksLeastLoadedLowestIndexOnTies) {
  FakeRoutingView v;
  v.load = {4, 2, 7, 2};
  LeastOutstandingRouter r;
  EXPECT_EQ(r.choose_instance(v, {}), 1u);
  v.load = {3, 3, 3};
  EXPECT_EQ(r.choose_instance(v, {}), 0u);
}

TEST(LeastKvLoad, PicksLeastKvUsedThenFewestOutstanding) {
  FakeRoutingView v;
  v.load = {1, 9, 3, 2};
  v.kv = {0.5, 0.1, 0.3, 0.1};
  LeastKvLoadRouter r;
  EXPECT_EQ(r.choose_instance(v, {}), 3u);  // 0.1 ties between 1 and 3; 3 has fewer requests
  v.kv = {0.2, 0.9, 0.9, 0.9};
  EXPECT_EQ(r.choose_instance(v, {}), 0u);  // KV first, although it is not the least loaded
}

}  // namespace
}  // namespace xpusim::policy
