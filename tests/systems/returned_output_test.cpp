// Generated KV copied back from a decode instance into a prefill instance's cache
// (prefix_cache.decode_output: to_prefill; docs/prefix-cache.md, "With disaggregation"): only the
// blocks the cache lacks are added, as many as free blocks allow, and they end unreferenced
// (free, still cached) like any finished holder's.
#include <gtest/gtest.h>

#include "xpusim/policy/prefix_eviction/lru.hpp"
#include "xpusim/systems/kv_manager.hpp"

namespace xpusim::systems {
namespace {

struct Silent : PrefixCacheObserver {
  std::int64_t lookups = 0;
  void on_prefix_lookup(const PrefixLookupRecord&) override { ++lookups; }
  void on_prefix_eviction(const PrefixEvictionRecord&) override {}
};

KvManager manager(std::int64_t blocks, Silent& rec) {
  return KvManager(KvSizing{blocks, 16},
                   std::make_unique<PrefixCache>(
                       PrefixCache::Config{},
                       PrefixCache::Wiring{0, std::make_unique<policy::LruEviction>(), rec}));
}

// 160 prompt tokens (units 0-9) and 33 generated: KV for 192 tokens, 12 full blocks, of which
// units 10 and 11 are generated.
workload::Request turn() {
  workload::Request r;
  r.prompt_tokens = 160;
  r.output_tokens = 33;
  r.session = 1;
  for (std::uint64_t u = 0; u < 10; ++u) r.prefix_hashes.push_back(1000 + u);
  for (std::uint64_t u = 10; u < 13; ++u) r.output_hashes.push_back(1000 + u);
  r.output_types.assign(r.output_hashes.size(), workload::TokenType::Response);
  return r;
}

// The prefill instance computed the prompt (10 blocks, cached, then released by the hand-off).
void prefill_prompt(KvManager& kv, const workload::Request& r) {
  std::vector<policy::BlockId> cached;
  kv.take(10, 0);
  const auto keys = kv.prefix_keys(r);
  kv.cache_prompt(keys, r, cached, 0);
  kv.release(cached, 10, false, 0);
}

TEST(ReturnedOutput, AddsOnlyTheGeneratedBlocksThePrefillCacheLacks) {
  Silent rec;
  KvManager kv = manager(20, rec);
  const workload::Request r = turn();
  prefill_prompt(kv, r);
  EXPECT_EQ(kv.missing_cached_blocks(r, 192), 2);
  EXPECT_EQ(kv.cache_returned(r, 192, true, 5), 2);
  EXPECT_EQ(kv.missing_cached_blocks(r, 192), 0);
  const auto a = kv.accounting();
  EXPECT_EQ(a.cached, 12);  // 10 prompt + 2 generated, all unreferenced
  EXPECT_EQ(a.used, 0);
  EXPECT_EQ(kv.free(), 20);
  EXPECT_EQ(rec.lookups, 0);  // not a lookup: hit metrics are untouched
  kv.cache()->check_blocks();
  // Sent again (nothing missing), nothing changes.
  EXPECT_EQ(kv.cache_returned(r, 192, true, 6), 0);
  EXPECT_EQ(kv.accounting().cached, 12);
}

// 12 blocks; the prompt's 10 are cached and another holder has 1 of its own: holding the
// prompt's leaves one free block, so one of the two generated blocks is added.
TEST(ReturnedOutput, AddsNoMoreThanTheFreeBlocksAllowAndNeverEvictsItsOwnPrefix) {
  Silent rec;
  KvManager kv = manager(12, rec);
  const workload::Request r = turn();
  prefill_prompt(kv, r);
  kv.take(1, 1);
  EXPECT_EQ(kv.cache_returned(r, 192, false, 2), 1);
  EXPECT_EQ(kv.missing_cached_blocks(r, 192), 1);
  const auto a = kv.accounting();
  EXPECT_EQ(a.cached, 11);
  EXPECT_EQ(a.used, 1);
  EXPECT_EQ(a.used + a.cached + a.free, a.total);
  kv.cache()->check_blocks();
}

// Without output hashes (a trace) nothing is missing and nothing is added.
TEST(ReturnedOutput, RequestsWithoutOutputHashesReturnNothing) {
  Silent rec;
  KvManager kv = manager(20, rec);
  workload::Request r = turn();
  r.output_hashes.clear();
  r.output_types.clear();
  EXPECT_EQ(kv.missing_cached_blocks(r, 192), 0);
  EXPECT_EQ(kv.cache_returned(r, 192, false, 0), 0);
  EXPECT_EQ(kv.accounting().cached, 0);
}

}  // namespace
}  // namespace xpusim::systems
