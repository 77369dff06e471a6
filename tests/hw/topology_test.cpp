#include "xpusim/hw/topology.hpp"

#include <gtest/gtest.h>

#include "xpusim/core/error.hpp"

namespace xpusim::hw {
namespace {

TEST(Topology, RouteTakesFewestHopsThenLeastLatency) {
  Topology t;
  const int a = t.add_node("a"), b = t.add_node("b"), c = t.add_node("c"), d = t.add_node("d");
  const int ab = t.add_link(a, b, 1e9, 1e-6);
  const int bd = t.add_link(b, d, 1e9, 1e-6);
  t.add_link(a, c, 1e9, 1e-9);
  t.add_link(c, d, 1e9, 1e-9);  // same hops, less latency: preferred
  const int ad_slow = t.add_link(a, d, 1e9, 5.0);  // one hop beats any latency
  EXPECT_EQ(t.route(a, d), std::vector<int>{ad_slow});
  EXPECT_EQ(t.route(d, a), std::vector<int>{ad_slow + 1});
  EXPECT_EQ(t.route(a, b), std::vector<int>{ab});
  EXPECT_EQ(t.route(b, d), std::vector<int>{bd});
  EXPECT_TRUE(t.route(c, c).empty());
  // b -> a -> c (2 hops) is cheaper than b -> d -> c (2 hops) by latency.
  EXPECT_EQ(t.route(b, c).size(), 2u);
  EXPECT_DOUBLE_EQ(t.route_latency_s(t.route(b, c)), 1e-6 + 1e-9);
}

TEST(Topology, TieOnHopsGoesToLowerLatency) {
  Topology t;
  const int a = t.add_node("a"), b = t.add_node("b"), c = t.add_node("c"), d = t.add_node("d");
  t.add_link(a, b, 1e9, 1e-3);
  t.add_link(b, d, 1e9, 1e-3);
  const int ac = t.add_link(a, c, 1e9, 1e-6);
  const int cd = t.add_link(c, d, 1e9, 1e-6);
  EXPECT_EQ(t.route(a, d), (std::vector<int>{ac, cd}));
  EXPECT_DOUBLE_EQ(t.route_latency_s(t.route(a, d)), 2e-6);
}

TEST(Topology, UnknownNodesAndUnreachableTargetsAreErrors) {
  Topology t;
  const int a = t.add_node("a");
  const int b = t.add_node("b");
  EXPECT_EQ(t.node("b"), b);
  EXPECT_THROW(t.node("zz"), Error);
  EXPECT_THROW(t.route(a, b), Error);
}

}  // namespace
}  // namespace xpusim::hw
