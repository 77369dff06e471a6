// The KV manager alone: every device block is used, cached or free (used + cached + free ==
// total) through allocation, prefix reuse, swap, hand-off, migration reservations and a failure;
// swap space and host traffic are hand-computed.
#include "xpusim/systems/kv_manager.hpp"

#include <gtest/gtest.h>

#include "xpusim/core/error.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/policy/prefix_eviction/lru.hpp"

namespace xpusim::systems {
namespace {

struct NoCacheRecords : PrefixCacheObserver {
  std::int64_t lookups = 0;
  std::int64_t evictions = 0;
  void on_prefix_lookup(const PrefixLookupRecord&) override { ++lookups; }
  void on_prefix_eviction(const PrefixEvictionRecord&) override { ++evictions; }
};

KvSizing sizing(std::int64_t blocks, std::int64_t swap_blocks = 0) {
  // 1 MB blocks over a 1 GB/s host link: 1 ms a block; 2 blocks a transfer, 0.5 ms each.
  return KvSizing{blocks, 16, swap_blocks, 1e6, 1e9, 2, 0.5e-3};
}

std::unique_ptr<PrefixCache> lru_cache(NoCacheRecords& rec) {
  return std::make_unique<PrefixCache>(PrefixCache::Config{},
                                       PrefixCache::Wiring{0, std::make_unique<policy::LruEviction>(), rec});
}

workload::Request prompt_of_blocks(std::vector<std::uint64_t> ids) {
  workload::Request r;
  r.prompt_tokens = static_cast<std::int32_t>(ids.size() * 16);
  r.output_tokens = 4;
  r.prefix_hashes = std::move(ids);
  return r;
}

void expect_conserved(const KvManager& kv) {
  const KvManager::Accounting a = kv.accounting();
  EXPECT_EQ(a.used + a.cached + a.free, a.total);
  EXPECT_GE(a.free, 0);
}

TEST(KvManager, TakeReleaseAndHandoffConserveBlocks) {
  KvManager kv(sizing(10), nullptr);
  std::vector<policy::BlockId> none;
  kv.take(4, 0);
  kv.hold_handoff(2);  // two of the four are now a hand-off's
  kv.check_conservation(2, 0, 0);
  EXPECT_TRUE(kv.reserve_migration(5, 0));
  EXPECT_FALSE(kv.reserve_migration(2, 0));  // only one free block left: nothing held
  EXPECT_EQ(kv.migration_reserved(), 5);
  kv.check_conservation(2, 0, 0);
  expect_conserved(kv);
  kv.release_migration(5);
  kv.end_handoff(2);
  kv.release(none, 2, false, 0);
  kv.check_conservation(2, 0, 0);
  kv.release(none, 2, false, 0);
  kv.check_conservation(0, 0, 0);
  EXPECT_EQ(kv.free(), 10);
  // A wrong walk is caught.
  EXPECT_THROW(kv.check_conservation(1, 0, 0), InvariantError);
  EXPECT_THROW(kv.take(11, 0), InvariantError);
}

TEST(KvManager, SwapSpaceAndHostTrafficAreCounted) {
  KvManager kv(sizing(10, 5), nullptr);
  std::vector<policy::BlockId> none;
  kv.begin_iteration();
  kv.take(4, 0);
  kv.release(none, 4, false, 0);  // a victim frees its 4 blocks ...
  EXPECT_TRUE(kv.swap_out(4));    // ... and they go to the host
  EXPECT_FALSE(kv.swap_out(2));   // 4 + 2 > 5: no room, nothing changed
  EXPECT_EQ(kv.swap_used(), 4);
  kv.check_conservation(0, 4, 0);
  // 4 blocks in 2 transfers: 4 ms of bytes + 2 x 0.5 ms of setup.
  EXPECT_DOUBLE_EQ(kv.iteration_host_bytes(), 4e6);
  EXPECT_EQ(kv.iteration_host_transfers(), 2);
  EXPECT_EQ(kv.iteration_host_stall_ns(), 5'000'000);
  kv.begin_iteration();
  kv.swap_in(3, 0);  // 3 blocks: 2 transfers (groups of 2)
  EXPECT_EQ(kv.iteration_host_transfers(), 2);
  EXPECT_EQ(kv.iteration_host_stall_ns(), 4'000'000);
  EXPECT_EQ(kv.swap_used(), 1);
  EXPECT_EQ(kv.free(), 7);
  kv.check_conservation(3, 1, 0);
  EXPECT_THROW(kv.swap_in(2, 0), InvariantError);  // only one block is swapped out
}

// FastSwitch's KV reuse: a sequence swapped out a second time copies only the blocks its host
// copy lacks; the swap space still holds all of its blocks.
TEST(KvManager, SwapReuseCopiesOnlyTheBlocksTheHostLacks) {
  KvSizing reuse = sizing(10, 8);
  reuse.swap_reuse = true;
  KvManager kv(reuse, nullptr);
  kv.begin_iteration();
  EXPECT_TRUE(kv.swap_out(5, 3));  // 2 blocks copied: 2 ms + one transfer of 0.5 ms
  EXPECT_DOUBLE_EQ(kv.iteration_host_bytes(), 2e6);
  EXPECT_EQ(kv.iteration_host_transfers(), 1);
  EXPECT_EQ(kv.iteration_host_stall_ns(), 2'500'000);
  EXPECT_EQ(kv.swap_used(), 5);
  kv.check_conservation(0, 5, 0);
  // Without reuse the same swap-out copies all 5 blocks: 5 ms + 3 transfers.
  KvManager plain(sizing(10, 8), nullptr);
  plain.begin_iteration();
  EXPECT_TRUE(plain.swap_out(5, 3));
  // 5 ms + 1.5 ms, rounded up to the next ns (the sum is 6.5000000001 ms in binary floating point).
  EXPECT_NEAR(plain.iteration_host_stall_ns(), 6'500'000, 1);
}

// FastSwitch's asynchronous swap: the iteration waits only for the traffic that outlasts its
// compute (4 blocks in 2 transfers = 5 ms of host traffic).
TEST(KvManager, SwapOverlapHidesTrafficBehindCompute) {
  KvSizing overlap = sizing(10, 8);
  overlap.swap_overlap = true;
  KvManager kv(overlap, nullptr);
  KvManager plain(sizing(10, 8), nullptr);
  for (KvManager* m : {&kv, &plain}) {
    m->begin_iteration();
    EXPECT_TRUE(m->swap_out(4));
    EXPECT_EQ(m->iteration_host_stall_ns(), 5'000'000);
  }
  EXPECT_EQ(kv.iteration_host_delay_ns(3'000'000), 2'000'000);  // 5 - 3 ms exposed
  EXPECT_EQ(kv.iteration_host_delay_ns(8'000'000), 0);          // fully hidden
  EXPECT_EQ(plain.iteration_host_delay_ns(3'000'000), 5'000'000);  // vLLM waits for all of it
}

TEST(KvManager, PrefixReuseCountsCachedBlocksApart) {
  NoCacheRecords rec;
  KvManager kv(sizing(8), lru_cache(rec));
  const workload::Request a = prompt_of_blocks({1, 2, 3});
  const auto keys = kv.prefix_keys(a);
  ASSERT_EQ(keys.size(), 3u);
  std::vector<policy::BlockId> held_a;
  // First admission: nothing cached; reserves 3 blocks, computes everything.
  EXPECT_EQ(kv.reuse_prefix(keys, a, 48, false, 3, held_a, 0), 0);
  kv.cache_prompt(keys, a, held_a, 1);
  kv.check_conservation(0, 0, 3);  // all three are cached blocks it references
  kv.release(held_a, 3, false, 2);
  KvManager::Accounting acc = kv.accounting();
  EXPECT_EQ(acc.cached, 3);
  EXPECT_EQ(acc.free, 5);
  EXPECT_EQ(acc.used, 0);
  // Second request with the same prompt: two blocks hit (the last prompt token is computed),
  // 32 tokens skipped; it reserves 4 blocks, 2 of them cached.
  std::vector<policy::BlockId> held_b;
  const KvManager::PrefixSaving saving = kv.prefix_saving(keys, 48);
  EXPECT_EQ(saving.tokens, 32);
  EXPECT_EQ(saving.blocks, 0);  // nobody references them: they come out of the free ones
  EXPECT_EQ(kv.reuse_prefix(keys, a, 48, false, 4, held_b, 3), 32);
  EXPECT_EQ(held_b.size(), 2u);
  kv.check_conservation(2, 0, 2);
  expect_conserved(kv);
  // Taking every free block evicts the one unreferenced cached block.
  kv.take(kv.free(), 4);
  EXPECT_EQ(kv.accounting().cached, 0);
  EXPECT_EQ(rec.evictions, 1);
  kv.check_conservation(2 + 4, 0, 2);
  kv.lose_all();
  kv.check_conservation(0, 0, 0);
  EXPECT_EQ(kv.free(), 8);
}

// Random operations never lose or invent a block.
TEST(KvManager, RandomOperationsConserveBlocks) {
  NoCacheRecords rec;
  KvManager kv(sizing(64, 32), lru_cache(rec));
  RngStream rng(7);
  struct Holder {
    std::vector<std::uint64_t> keys;
    std::vector<policy::BlockId> cached;
    std::int64_t blocks = 0;
  };
  std::vector<Holder> holders;
  std::int64_t swapped = 0;
  for (int step = 0; step < 2000; ++step) {
    const auto now = static_cast<TimeNs>(step);
    const auto op = rng.uniform_int(0, 3);
    if (op == 0) {
      workload::Request r = prompt_of_blocks({static_cast<std::uint64_t>(rng.uniform_int(0, 3)), static_cast<std::uint64_t>(rng.uniform_int(0, 3)), 9});
      Holder h{kv.prefix_keys(r), {}, 4};
      if (kv.reuse_prefix(h.keys, r, 48, false, 4, h.cached, now) >= 0) {
        kv.cache_prompt(h.keys, r, h.cached, now);
        holders.push_back(std::move(h));
      }
    } else if (op == 1 && !holders.empty()) {
      Holder h = std::move(holders.back());
      holders.pop_back();
      kv.release(h.cached, h.blocks, false, now);
      if (h.cached.empty() && kv.swap_out(h.blocks)) swapped += h.blocks;
    } else if (op == 2 && swapped >= 2 && kv.free() >= 2) {
      kv.swap_in(2, now);
      swapped -= 2;
      holders.push_back({{}, {}, 2});
    } else if (op == 3 && kv.reserve_migration(1, now)) {
      kv.release_migration(1);
    }
    std::int64_t own = 0, refs = 0;
    for (const Holder& h : holders) {
      own += h.blocks - static_cast<std::int64_t>(h.cached.size());
      refs += static_cast<std::int64_t>(h.cached.size());
    }
    kv.check_conservation(own, swapped, refs);
    expect_conserved(kv);
  }
}

}  // namespace
}  // namespace xpusim::systems
