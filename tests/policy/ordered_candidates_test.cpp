// OrderedCandidates against one std::set<(order, id)> under the same random operations.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "xpusim/policy/prefix_eviction/ordered_candidates.hpp"

namespace xpusim::policy {
namespace {

using Key = OrderedCandidates::Key;

TEST(OrderedCandidates, MatchesAnOrderedSetUnderRandomAddsRemovesAndEvictions) {
  std::mt19937_64 rng(7);
  OrderedCandidates c;
  std::set<Key> ref;
  std::vector<std::uint64_t> order_of(500, 0);
  std::uint64_t counter = 0;
  for (int step = 0; step < 200000; ++step) {
    const auto id = static_cast<BlockId>(rng() % order_of.size());
    const auto r = rng() % 10;
    if (r < 5 && !c.contains(id)) {
      // Mostly the next release order; sometimes an older one (a radix parent, an expired pin),
      // sometimes the same order as another candidate (ties break by id).
      std::uint64_t order = ++counter;
      if (r == 0) order = rng() % counter + 1;
      if (r == 1 && !ref.empty()) order = ref.rbegin()->first;
      c.add(id, order);
      ref.emplace(order, id);
      order_of[id] = order;
    } else if (r < 8) {
      ASSERT_EQ(c.remove(id), ref.erase({order_of[id], id}) > 0);
    } else if (!ref.empty()) {
      // Evict the front, as a policy's victim() would.
      ASSERT_EQ(c.front(), *ref.begin());
      ASSERT_TRUE(c.remove(ref.begin()->second));
      ref.erase(ref.begin());
    }
    ASSERT_EQ(c.size(), ref.size());
    if (!ref.empty()) ASSERT_EQ(c.front(), *ref.begin());
    if (step % 97 == 0) {
      std::vector<Key> walked;
      c.for_each_oldest([&](const Key& k) {
        walked.push_back(k);
        return walked.size() < 40;
      });
      std::vector<Key> expected;
      for (auto it = ref.begin(); it != ref.end() && expected.size() < 40; ++it) expected.push_back(*it);
      ASSERT_EQ(walked, expected) << "step " << step;
    }
  }
}

}  // namespace
}  // namespace xpusim::policy
