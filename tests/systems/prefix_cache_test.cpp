// The prefix cache alone (hand-made requests, a bare block pool), and inside a serving
// instance: prefill skipped on a hit, and block conservation under random load.
#include "xpusim/systems/prefix_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "serving_test_support.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/policy/prefix_eviction/lru.hpp"
#include "xpusim/policy/prefix_eviction/sae.hpp"
#include "xpusim/policy/prefix_eviction/ttl.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;

struct CacheRecorder : PrefixCacheObserver {
  std::vector<PrefixLookupRecord> lookups;
  std::vector<PrefixEvictionRecord> evictions;
  std::int64_t regrets = 0;
  void on_prefix_lookup(const PrefixLookupRecord& r) override { lookups.push_back(r); }
  void on_prefix_eviction(const PrefixEvictionRecord& r) override { evictions.push_back(r); }
  void on_prefix_regret(int, TimeNs) override { ++regrets; }
};

// A request whose prompt is `ids.size()` blocks of 16 tokens with the given identities.
workload::Request prompt(std::vector<std::uint64_t> ids, std::uint64_t session = 0) {
  workload::Request r;
  r.prompt_tokens = static_cast<std::int32_t>(ids.size() * 16);
  r.output_tokens = 1;
  r.session = session;
  r.prefix_hashes = std::move(ids);
  return r;
}

PrefixCache make_cache(CacheRecorder& rec, PrefixCache::Structure structure = PrefixCache::Structure::Hashed,
                       std::unique_ptr<policy::EvictionPolicy> policy = std::make_unique<policy::LruEviction>()) {
  PrefixCache::Config config;
  config.structure = structure;
  return PrefixCache(config, {0, std::move(policy), rec});
}

// What a sequence does: allocate its prompt, cache it, later release it.
struct Holder {
  std::vector<std::uint64_t> keys;
  std::vector<policy::BlockId> held;
};

Holder fill(PrefixCache& cache, KvBlockPool& pool, const workload::Request& r, TimeNs now) {
  Holder h{cache.block_keys(r), {}};
  const std::int64_t hit = cache.match(h.keys, static_cast<std::int64_t>(h.keys.size()));
  cache.acquire(h.keys, hit, h.held, pool, {r.id, r.prompt_tokens, false}, now);
  pool.allocate(static_cast<std::int64_t>(h.keys.size()) - hit);
  cache.evict_to(pool.free(), now);
  cache.insert(h.keys, static_cast<std::int64_t>(h.keys.size()), r, h.held, pool, now);
  return h;
}

TEST(PrefixCache, KeysAreChainedSoEqualBlocksAfterDifferentPrefixesDiffer) {
  CacheRecorder rec;
  PrefixCache cache = make_cache(rec);
  const auto a = cache.block_keys(prompt({1, 2, 3}));
  const auto b = cache.block_keys(prompt({1, 2, 4}));
  const auto c = cache.block_keys(prompt({9, 2, 3}));
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1], b[1]);
  EXPECT_NE(a[2], b[2]);
  EXPECT_NE(a[1], c[1]);  // same content, different prefix
  EXPECT_NE(a[2], c[2]);
}

TEST(PrefixCache, CoarseHashUnitsMapToBlocksAndOnlyFullBlocksGetKeys) {
  CacheRecorder rec;
  PrefixCache::Config config;
  config.id_tokens = 64;  // each prefix hash stands for 4 blocks
  PrefixCache cache(config, {0, std::make_unique<policy::LruEviction>(), rec});
  workload::Request r;
  r.prompt_tokens = 100;  // 6 full blocks, 2 hash units (the second partial)
  r.prefix_hashes = {5, 6};
  EXPECT_EQ(cache.block_keys(r).size(), 6u);
  workload::Request s = r;
  s.prefix_hashes = {5, 7};
  const auto kr = cache.block_keys(r), ks = cache.block_keys(s);
  EXPECT_TRUE(std::equal(kr.begin(), kr.begin() + 4, ks.begin()));
  EXPECT_NE(kr[4], ks[4]);
  r.prefix_hashes = {};
  EXPECT_TRUE(cache.block_keys(r).empty());
}

TEST(PrefixCache, LruEvictsARequestsTailBeforeItsPrefix) {
  CacheRecorder rec;
  PrefixCache cache = make_cache(rec);
  KvBlockPool pool(8);
  Holder h = fill(cache, pool, prompt({1, 2, 3, 4}), 0);
  cache.release(h.held, pool, 10);
  EXPECT_EQ(pool.free(), 8);
  EXPECT_EQ(cache.unreferenced_blocks(), 4);
  // A newcomer needs 5 blocks: the 4 truly free ones and one cached — the old request's tail.
  pool.allocate(5);
  cache.evict_to(pool.free(), 20);
  ASSERT_EQ(rec.evictions.size(), 1u);
  const auto keys = cache.block_keys(prompt({1, 2, 3, 4}));
  EXPECT_EQ(cache.match(keys, 4), 3);  // blocks 0..2 still cached: the tail went
  pool.allocate(2);
  cache.evict_to(pool.free(), 30);
  EXPECT_EQ(cache.match(keys, 4), 1);
}

TEST(PrefixCache, ReferencedBlocksAreNeverEvicted) {
  CacheRecorder rec;
  PrefixCache cache = make_cache(rec);
  KvBlockPool pool(6);
  Holder shared = fill(cache, pool, prompt({1, 2, 3}), 0);
  Holder other = fill(cache, pool, prompt({7, 8, 9}), 1);
  cache.release(other.held, pool, 2);
  // Memory pressure takes every unreferenced block but none of the referenced ones.
  pool.allocate(pool.free());
  cache.evict_to(pool.free(), 3);
  EXPECT_EQ(cache.unreferenced_blocks(), 0);
  EXPECT_EQ(cache.match(cache.block_keys(prompt({1, 2, 3})), 3), 3);
  EXPECT_EQ(cache.match(cache.block_keys(prompt({7, 8, 9})), 3), 0);
  cache.check_invariants(static_cast<std::int64_t>(shared.held.size()));
  cache.check_blocks();
}

TEST(PrefixCache, SharedPrefixIsAllocatedOnceAndReferencedTwice) {
  CacheRecorder rec;
  PrefixCache cache = make_cache(rec);
  KvBlockPool pool(10);
  Holder a = fill(cache, pool, prompt({1, 2, 3}), 0);
  Holder b = fill(cache, pool, prompt({1, 2, 5}), 1);
  EXPECT_EQ(pool.allocated(), 4);  // 1, 2 shared; 3 and 5 each once
  ASSERT_EQ(rec.lookups.size(), 2u);
  EXPECT_EQ(rec.lookups[1].hit_blocks, 2);
  EXPECT_EQ(cache.refs(b.held[0]), 2);
  cache.release(a.held, pool, 2);
  EXPECT_EQ(pool.allocated(), 3);
  EXPECT_EQ(cache.unreferenced_blocks(), 1);
}

// A session's turn caches blocks 1, 2 and will follow up; another request last releases block 1
// and will not. Under TTL block 2 is pinned and the root is not: hashed eviction takes the root and orphans block
// 2 (cached but unreachable); radix may only take the leaf.
std::int64_t reachable_after_one_eviction(PrefixCache::Structure structure, std::int64_t& cached) {
  CacheRecorder rec;
  PrefixCache cache = make_cache(rec, structure,
                                 std::make_unique<policy::TtlEviction>(policy::TtlEviction::Config{.ttl_s = 100}));
  KvBlockPool pool(2);
  Holder root = fill(cache, pool, prompt({1}), 0);
  cache.release(root.held, pool, 1);
  Holder turn = fill(cache, pool, prompt({1, 2}, 5), 2);
  Holder plain = fill(cache, pool, prompt({1}), 2);  // keeps the root referenced a while
  cache.release(turn.held, pool, 3, /*followup=*/true);
  cache.release(plain.held, pool, 4);
  pool.allocate(1);
  cache.evict_to(pool.free(), 4);
  cached = cache.cached_blocks();
  return cache.match(cache.block_keys(prompt({1, 2})), 2);
}

TEST(PrefixCache, RadixEvictsOnlyLeavesSoNoBlockIsOrphaned) {
  std::int64_t cached = 0;
  EXPECT_EQ(reachable_after_one_eviction(PrefixCache::Structure::Hashed, cached), 0);
  EXPECT_EQ(cached, 1);  // the orphan
  EXPECT_EQ(reachable_after_one_eviction(PrefixCache::Structure::Radix, cached), 1);
  EXPECT_EQ(cached, 1);
}

TEST(PrefixCache, RadixNeverOrphansABlock) {
  CacheRecorder rec;
  PrefixCache cache = make_cache(rec, PrefixCache::Structure::Radix);
  KvBlockPool pool(20);
  RngStream rng(3, "radix-test");
  std::vector<Holder> live;
  for (int step = 0; step < 400; ++step) {
    if (!live.empty() && rng.uniform01() < 0.5) {
      const auto k = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(live.size()) - 1));
      cache.release(live[k].held, pool, step);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
      continue;
    }
    std::vector<std::uint64_t> ids;
    const auto n = rng.uniform_int(1, 4);
    for (int i = 0; i < n; ++i) ids.push_back(static_cast<std::uint64_t>(rng.uniform_int(0, 2)));
    workload::Request r = prompt(ids);
    const auto keys = cache.block_keys(r);
    const std::int64_t hit = cache.match(keys, n);
    if (n - cache.referenced_among(keys, hit) > pool.free()) continue;
    live.push_back(fill(cache, pool, r, step));
    // Radix invariant: each cached key's whole prefix is cached.
    for (const Holder& h : live) EXPECT_EQ(cache.match(h.keys, 10), static_cast<std::int64_t>(h.keys.size()));
  }
  std::int64_t refs = 0;
  for (const Holder& h : live) refs += static_cast<std::int64_t>(h.held.size());
  cache.check_invariants(refs);
  cache.check_blocks();
}

TEST(PrefixCache, ALookupOfARecentlyEvictedBlockIsARegret) {
  CacheRecorder rec;
  PrefixCache cache = make_cache(rec);
  KvBlockPool pool(2);
  Holder a = fill(cache, pool, prompt({1, 2}), 0);
  cache.release(a.held, pool, 1);
  pool.allocate(2);
  cache.evict_to(pool.free(), 2);
  pool.release(2);
  fill(cache, pool, prompt({1, 2}), 3);
  EXPECT_EQ(rec.regrets, 1);
}

// ---- inside a serving instance ---------------------------------------------------------------

std::unique_ptr<ServingInstance> cached_instance(Simulator& sim, const model::ExecutionModel& exec,
                                                 ServingObserver& obs, CacheRecorder& rec,
                                                 std::int64_t kv_blocks,
                                                 std::unique_ptr<policy::EvictionPolicy> policy =
                                                     std::make_unique<policy::LruEviction>()) {
  std::vector<std::unique_ptr<hw::Device>> devices;
  devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
  ServingInstance::Wiring w{sim, exec, std::make_unique<policy::VllmBatching>(policy::VllmBatching::Config{}), obs};
  w.prefix_cache = std::make_unique<PrefixCache>(PrefixCache::Config{}, PrefixCache::Wiring{0, std::move(policy), rec});
  return std::make_unique<ServingInstance>(0, std::move(w), std::move(devices), KvSizing{kv_blocks, 16});
}

TEST(PrefixCachedInstance, AHitSkipsThePrefillOfTheCachedTokens) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  CacheRecorder rec;
  auto inst = cached_instance(sim, exec, obs, rec, 1000);
  std::vector<std::uint64_t> ids(10);
  for (std::uint64_t i = 0; i < 10; ++i) ids[i] = 100 + i;
  workload::Request first = prompt(ids);  // 160 tokens
  first.id = 0;
  first.output_tokens = 2;
  workload::Request second = first;
  second.id = 1;
  second.arrival_ns = seconds_to_ns(1);
  Feeder feed(sim, *inst, {first, second});
  sim.run();
  ASSERT_EQ(obs.done.size(), 2u);
  const RequestRecord& b = obs.done[1];
  // Every block but the last is reused (the last prompt token is always computed).
  EXPECT_EQ(b.cached_prompt_tokens, 144);
  EXPECT_EQ(b.first_token_ns - b.arrival_ns, exec.base + 16 * exec.per_prefill_token);
  EXPECT_EQ(obs.done[0].cached_prompt_tokens, 0);
  EXPECT_EQ(obs.done[0].first_token_ns - obs.done[0].arrival_ns, exec.base + 160 * exec.per_prefill_token);
  EXPECT_EQ(inst->kv().allocated(), 0);
  EXPECT_EQ(inst->prefix_cache()->cached_blocks(), 10);
}

// Random arrivals sharing a few prefixes on a small KV pool: preemptions, evictions, shared and
// generated blocks all happen, and the invariant walk (on in tests) checks conservation every iteration.
void random_load(std::unique_ptr<policy::EvictionPolicy> policy, std::uint64_t seed) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  CacheRecorder rec;
  auto inst = cached_instance(sim, exec, obs, rec, 120, std::move(policy));
  RngStream rng(seed, "prefix-conservation");
  std::vector<workload::Request> reqs;
  TimeNs t = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    t += static_cast<TimeNs>(rng.exponential(1.0 / 2e6));
    std::vector<std::uint64_t> ids;
    const std::uint64_t family = static_cast<std::uint64_t>(rng.uniform_int(0, 5));
    const auto n = rng.uniform_int(1, 30);
    for (std::int64_t k = 0; k < n; ++k) ids.push_back(k < 10 ? family * 1000 + static_cast<std::uint64_t>(k) : i * 1000 + static_cast<std::uint64_t>(k));
    workload::Request r = prompt(ids, rng.uniform01() < 0.5 ? family + 1 : 0);
    r.id = i;
    r.arrival_ns = t;
    r.prompt_tokens -= static_cast<std::int32_t>(rng.uniform_int(0, 15));
    r.output_tokens = static_cast<std::int32_t>(rng.uniform_int(1, 200));
    // Half of them name their output units, so finished sequences cache generated blocks too
    // (some shared with other requests' prompts: the "computed twice" path).
    if (rng.uniform01() < 0.5)
      for (std::int64_t u = r.prompt_tokens / 16; u * 16 < std::int64_t{r.prompt_tokens} + r.output_tokens; ++u)
        r.output_hashes.push_back(u < 10 ? family * 1000 + static_cast<std::uint64_t>(u) : i * 1000 + static_cast<std::uint64_t>(u));
    reqs.push_back(r);
  }
  Feeder feed(sim, *inst, reqs);
  sim.run();
  EXPECT_EQ(obs.done.size(), reqs.size());
  inst->check_invariants();
  inst->prefix_cache()->check_blocks();
  EXPECT_EQ(inst->kv().allocated(), 0);  // only unreferenced cached blocks remain, as free
  EXPECT_LE(inst->prefix_cache()->cached_blocks(), inst->kv().total());
  EXPECT_EQ(inst->prefix_cache()->referenced_blocks(), 0);
  EXPECT_GT(obs.preemptions, 0);
  EXPECT_GT(rec.evictions.size(), 0u);
  std::int64_t hits = 0;
  for (const auto& l : rec.lookups) hits += l.hit_blocks;
  EXPECT_GT(hits, 0);
}

TEST(PrefixCachedInstance, BlocksAreConservedUnderRandomLoadWithLru) {
  for (std::uint64_t seed : {1, 2, 3}) random_load(std::make_unique<policy::LruEviction>(), seed);
}

TEST(PrefixCachedInstance, BlocksAreConservedUnderRandomLoadWithTtlAndSae) {
  random_load(std::make_unique<policy::TtlEviction>(policy::TtlEviction::Config{}), 4);
  random_load(std::make_unique<policy::SaeEviction>(policy::SaeEviction::Config{}), 5);
}

}  // namespace
}  // namespace xpusim::systems

namespace xpusim::systems {
namespace {

using namespace testing;

TEST(PrefixCachedInstance, HostTierKeepsEvictedBlocksAndCopiesThemBackOnAHit) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  CacheRecorder rec;
  std::vector<std::unique_ptr<hw::Device>> devices;
  devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
  ServingInstance::Wiring w{sim, exec, std::make_unique<policy::VllmBatching>(policy::VllmBatching::Config{}), obs};
  PrefixCache::Config config;
  config.host_blocks = 100;
  w.prefix_cache = std::make_unique<PrefixCache>(config, PrefixCache::Wiring{0, std::make_unique<policy::LruEviction>(), rec});
  KvSizing sizing{12, 16};
  sizing.block_bytes = 1e6;
  sizing.host_bw_bytes_per_s = 1e9;  // 1 ms per block
  ServingInstance inst(0, std::move(w), std::move(devices), sizing);
  std::vector<std::uint64_t> a_ids, b_ids;
  for (std::uint64_t i = 0; i < 10; ++i) {
    a_ids.push_back(100 + i);
    b_ids.push_back(200 + i);
  }
  workload::Request a = prompt(a_ids), b = prompt(b_ids);
  a.output_tokens = b.output_tokens = 2;
  b.id = 1;
  b.arrival_ns = seconds_to_ns(1);
  workload::Request again = a;
  again.id = 2;
  again.arrival_ns = seconds_to_ns(2);
  Feeder feed(sim, inst, {a, b, again});
  sim.run();
  ASSERT_EQ(obs.done.size(), 3u);
  // B's admission and its first decode block evicted A's blocks 9..1 (tail first) to the host; A
  // again finds block 0 on the device and 1-8 on the host (block 9 is recomputed: the last
  // prompt token always is), copied back at 1 ms per block before its prefill.
  const RequestRecord& r = obs.done[2];
  EXPECT_EQ(r.cached_prompt_tokens, 9 * 16);
  EXPECT_EQ(r.first_token_ns - r.arrival_ns, exec.base + 16 * exec.per_prefill_token + 8'000'000);
  ASSERT_EQ(rec.lookups.size(), 3u);
  EXPECT_EQ(rec.lookups[2].host_hit_blocks, 8);
  EXPECT_TRUE(rec.evictions.front().demoted);
  inst.check_invariants();
  inst.prefix_cache()->check_blocks();
}

}  // namespace
}  // namespace xpusim::systems
