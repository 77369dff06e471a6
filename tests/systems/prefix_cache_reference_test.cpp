// The prefix cache (LRU, hashed and radix) against a straightforward reference model built from
// std::map and one std::set, under the same random admissions, releases and evictions: the same
// blocks stay cached after every step, and evictions, regrets and free counts agree.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>

#include "xpusim/core/rng.hpp"
#include "xpusim/policy/prefix_eviction/lru.hpp"
#include "xpusim/systems/prefix_cache.hpp"

namespace xpusim::systems {
namespace {

struct Counter : PrefixCacheObserver {
  std::int64_t evictions = 0, regrets = 0;
  void on_prefix_lookup(const PrefixLookupRecord&) override {}
  void on_prefix_eviction(const PrefixEvictionRecord&) override { ++evictions; }
  void on_prefix_regret(int, TimeNs) override { ++regrets; }
};

// The cache's rules in their plainest form, keyed by block key.
class ReferenceCache {
 public:
  ReferenceCache(bool radix, std::size_t ghost_capacity) : radix_(radix), ghost_capacity_(ghost_capacity) {}
  bool cached(std::uint64_t k) const { return blocks_.count(k) > 0; }
  std::int64_t unreferenced = 0, evictions = 0, regrets = 0;

  void acquire(const std::vector<std::uint64_t>& keys, std::size_t n, std::size_t found) {
    for (std::size_t i = 0; i < n; ++i) reference(keys[i]);
    if (found < keys.size() && ghosts_.erase(keys[found]) > 0) ++regrets;
  }
  void insert(const std::vector<std::uint64_t>& keys, std::size_t from) {
    for (std::size_t i = from; i < keys.size(); ++i) {
      if (cached(keys[i])) {
        reference(keys[i]);
        continue;
      }
      Block& b = blocks_[keys[i]];
      b.refs = 1;
      b.has_parent = i > 0;
      b.parent = i > 0 ? keys[i - 1] : 0;
      if (radix_ && b.has_parent) ++blocks_[b.parent].children;
    }
  }
  void release(const std::vector<std::uint64_t>& keys) {
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
      Block& b = blocks_[*it];
      if (--b.refs > 0) continue;
      ++unreferenced;
      b.order = ++counter_;
      if (b.children == 0) queue_.emplace(b.order, *it);
    }
  }
  void evict_to(std::int64_t free_blocks) {
    while (unreferenced > free_blocks) {
      const std::uint64_t k = queue_.begin()->second;
      queue_.erase(queue_.begin());
      const Block b = blocks_[k];
      blocks_.erase(k);
      --unreferenced;
      ++evictions;
      if (ghost_capacity_ > 0) {
        ghosts_.insert(k);
        ghost_order_.push_back(k);
        while (ghost_order_.size() > ghost_capacity_) {
          ghosts_.erase(ghost_order_.front());
          ghost_order_.pop_front();
        }
      }
      if (radix_ && b.has_parent) {
        Block& p = blocks_[b.parent];
        if (--p.children == 0 && p.refs == 0) queue_.emplace(p.order, b.parent);
      }
    }
  }

 private:
  struct Block {
    std::int32_t refs = 0, children = 0;
    std::uint64_t order = 0, parent = 0;
    bool has_parent = false;
  };
  void reference(std::uint64_t k) {
    Block& b = blocks_[k];
    if (b.refs++ == 0) {
      --unreferenced;
      queue_.erase({b.order, k});
    }
  }
  bool radix_;
  std::size_t ghost_capacity_;
  std::map<std::uint64_t, Block> blocks_;
  std::set<std::pair<std::uint64_t, std::uint64_t>> queue_;  // (release order, key)
  std::set<std::uint64_t> ghosts_;
  std::deque<std::uint64_t> ghost_order_;
  std::uint64_t counter_ = 0;
};

void drive(PrefixCache::Structure structure, std::uint64_t seed) {
  Counter counter;
  PrefixCache::Config config;
  config.structure = structure;
  config.ghost_capacity = 24;
  PrefixCache cache(config, {0, std::make_unique<policy::LruEviction>(), counter});
  ReferenceCache ref(structure == PrefixCache::Structure::Radix, config.ghost_capacity);
  KvBlockPool pool(60);
  RngStream rng(seed, "prefix-reference");
  // Prompts share prefixes: a few documents, each request a prefix of one plus its own tail.
  std::vector<std::vector<std::uint64_t>> docs(6);
  for (auto& d : docs)
    for (int i = 0; i < 12; ++i) d.push_back(static_cast<std::uint64_t>(rng.uniform_int(0, 1000)));
  struct Holder {
    std::vector<std::uint64_t> keys;
    std::vector<policy::BlockId> held;
  };
  std::vector<Holder> live;
  std::set<std::uint64_t> seen;
  for (int step = 0; step < 4000; ++step) {
    const TimeNs now = step;
    if (!live.empty() && rng.uniform01() < 0.45) {
      const auto k = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(live.size()) - 1));
      cache.release(live[k].held, pool, now);
      ref.release(live[k].keys);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
    } else {
      workload::Request r;
      const auto& doc = docs[static_cast<std::size_t>(rng.uniform_int(0, 5))];
      r.prefix_hashes.assign(doc.begin(), doc.begin() + rng.uniform_int(0, 12));
      for (auto tail = rng.uniform_int(0, 3); tail > 0; --tail)
        r.prefix_hashes.push_back(static_cast<std::uint64_t>(rng.uniform_int(0, 1000)));
      r.prompt_tokens = static_cast<std::int32_t>(r.prefix_hashes.size() * 16);
      Holder h{cache.block_keys(r), {}};
      const auto n = static_cast<std::int64_t>(h.keys.size());
      const std::int64_t hit = cache.match(h.keys, n);
      if (n == 0 || n - cache.referenced_among(h.keys, hit) > pool.free()) continue;
      cache.acquire(h.keys, hit, h.held, pool, {r.id, r.prompt_tokens, false}, now);
      ref.acquire(h.keys, static_cast<std::size_t>(hit), static_cast<std::size_t>(hit));
      pool.allocate(n - hit);
      cache.evict_to(pool.free(), now);
      ref.evict_to(pool.free());
      cache.insert(h.keys, n, r, h.held, pool, now);
      ref.insert(h.keys, static_cast<std::size_t>(hit));
      seen.insert(h.keys.begin(), h.keys.end());
      live.push_back(std::move(h));
    }
    ASSERT_EQ(cache.evictions(), ref.evictions) << "step " << step;
    ASSERT_EQ(counter.regrets, ref.regrets) << "step " << step;
    ASSERT_EQ(cache.unreferenced_blocks(), ref.unreferenced) << "step " << step;
    for (const std::uint64_t k : seen) ASSERT_EQ(cache.match({k}, 1) == 1, ref.cached(k)) << "step " << step;
  }
  EXPECT_GT(ref.evictions, 1000);  // the pool is small enough that eviction order matters
  EXPECT_GT(ref.regrets, 10);
  std::int64_t refs = 0;
  for (const Holder& h : live) refs += static_cast<std::int64_t>(h.held.size());
  cache.check_invariants(refs);
  cache.check_blocks();
}

TEST(PrefixCacheReference, HashedLruEvictsExactlyWhatTheReferenceEvicts) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) drive(PrefixCache::Structure::Hashed, seed);
}

TEST(PrefixCacheReference, RadixLruEvictsExactlyWhatTheReferenceEvicts) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) drive(PrefixCache::Structure::Radix, seed);
}

}  // namespace
}  // namespace xpusim::systems
