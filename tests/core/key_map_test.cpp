// KeyMap against std::unordered_map under the same random operations.
#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

#include "xpusim/core/key_map.hpp"

namespace xpusim {
namespace {

// Drives both maps with inserts, assigns and erases drawn from `keys`, and compares every key's
// presence and value after each step (so a backward shift that loses a key fails at once).
void drive(const std::vector<std::uint64_t>& keys, std::uint32_t seed, int steps) {
  std::mt19937_64 rng(seed);
  KeyMap<std::int64_t> map;
  std::unordered_map<std::uint64_t, std::int64_t> ref;
  for (int step = 0; step < steps; ++step) {
    const std::uint64_t k = keys[rng() % keys.size()];
    const auto v = static_cast<std::int64_t>(rng() % 1000);
    switch (rng() % 4) {
      case 0: {
        const auto [slot, added] = map.insert(k, v);
        const auto [it, ref_added] = ref.emplace(k, v);
        ASSERT_EQ(added, ref_added);
        ASSERT_EQ(*slot, it->second);
        break;
      }
      case 1:
        map.assign(k, v);
        ref[k] = v;
        break;
      default:
        ASSERT_EQ(map.erase(k), ref.erase(k) > 0);
    }
    ASSERT_EQ(map.size(), ref.size());
    if (step % 64 == 0 || keys.size() < 100) {
      for (const std::uint64_t q : keys) {
        const auto it = ref.find(q);
        const std::int64_t* got = map.find(q);
        ASSERT_EQ(got != nullptr, it != ref.end()) << "key " << q << " step " << step;
        if (got != nullptr) ASSERT_EQ(*got, it->second);
      }
    }
  }
}

TEST(KeyMap, MatchesUnorderedMapOnRandomKeys) {
  std::mt19937_64 rng(1);
  std::vector<std::uint64_t> keys(3000);
  for (auto& k : keys) k = rng();
  keys[0] = 0;  // the zero key is an ordinary key
  drive(keys, 2, 200000);
}

TEST(KeyMap, MatchesUnorderedMapOnClusteredKeys) {
  // Small sequential keys and keys equal in their low bits make long probe runs that wrap
  // around the table, which is where backward-shift deletion can go wrong.
  std::vector<std::uint64_t> keys;
  for (std::uint64_t i = 0; i < 40; ++i) keys.push_back(i);
  for (std::uint64_t i = 1; i < 40; ++i) keys.push_back(i << 58);
  drive(keys, 3, 100000);
}

TEST(KeyMap, ClearForgetsEveryKey) {
  KeyMap<int> map;
  for (std::uint64_t k = 0; k < 100; ++k) map.insert(k * 7919, 1);
  map.clear();
  EXPECT_TRUE(map.empty());
  for (std::uint64_t k = 0; k < 100; ++k) EXPECT_FALSE(map.contains(k * 7919));
  EXPECT_TRUE(map.insert(7919, 2).second);
}

}  // namespace
}  // namespace xpusim
