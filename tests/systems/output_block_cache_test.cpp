// Generated (output) blocks in the prefix cache: a finished request's full blocks of prompt +
// output that its output hashes identify are cached, so the next turn of its session, whose
// prompt continues that stream, finds them (docs/prefix-cache.md, "Output blocks").
#include <gtest/gtest.h>

#include "serving_test_support.hpp"
#include "xpusim/policy/prefix_eviction/lru.hpp"
#include "xpusim/systems/prefix_cache.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;

struct LookupRecorder : PrefixCacheObserver {
  std::vector<PrefixLookupRecord> lookups;
  void on_prefix_lookup(const PrefixLookupRecord& r) override { lookups.push_back(r); }
  void on_prefix_eviction(const PrefixEvictionRecord&) override {}
};

std::vector<std::uint64_t> units(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> ids;
  for (std::uint64_t u = from; u < to; ++u) ids.push_back(1000 + u);
  return ids;
}

// Turn 1 of a session: `prompt` tokens, `output` generated; unit u is 1000 + u throughout the
// session's stream (what the sessions source does for agents and reasoning-free chat).
workload::Request turn(std::int32_t prompt, std::int32_t output, bool with_output_hashes) {
  workload::Request r;
  r.prompt_tokens = prompt;
  r.output_tokens = output;
  r.session = 1;
  r.prefix_hashes = units(0, static_cast<std::uint64_t>((prompt + 15) / 16));
  if (with_output_hashes) {
    r.output_hashes = units(static_cast<std::uint64_t>(prompt / 16), static_cast<std::uint64_t>((prompt + output + 15) / 16));
    r.output_types.assign(r.output_hashes.size(), workload::TokenType::Response);
  }
  return r;
}

TEST(OutputBlocks, StreamKeysExtendThePromptKeysAndEqualTheNextPromptsKeys) {
  LookupRecorder rec;
  PrefixCache cache(PrefixCache::Config{}, {0, std::make_unique<policy::LruEviction>(), rec});
  // 40 prompt tokens (units 0, 1 and half of 2) and 30 generated: KV for 69 tokens, 4 full
  // blocks; the prompt alone has 2.
  const workload::Request a = turn(40, 30, true);
  ASSERT_EQ(a.output_hashes.size(), 3u);  // units 2 (shared with the prompt), 3, 4
  const auto prompt_keys = cache.block_keys(a);
  const auto stream_keys = cache.block_keys(a, 69);
  ASSERT_EQ(prompt_keys.size(), 2u);
  ASSERT_EQ(stream_keys.size(), 4u);
  EXPECT_TRUE(std::equal(prompt_keys.begin(), prompt_keys.end(), stream_keys.begin()));
  // The next turn's prompt (70 + 26 new tokens) holds the same stream in its first 70 tokens.
  const workload::Request b = turn(96, 1, false);
  const auto next_keys = cache.block_keys(b);
  ASSERT_EQ(next_keys.size(), 6u);
  EXPECT_TRUE(std::equal(stream_keys.begin(), stream_keys.end(), next_keys.begin()));
  // Without output hashes nothing past the prompt has a key.
  EXPECT_EQ(cache.block_keys(turn(40, 30, false), 69).size(), 2u);
}

TEST(OutputBlocks, GeneratedBlocksGetTheirOwnTokenType) {
  LookupRecorder rec;
  PrefixCache cache(PrefixCache::Config{}, {0, std::make_unique<policy::LruEviction>(), rec});
  KvBlockPool pool(10);
  workload::Request a = turn(32, 33, true);  // KV for 64 tokens: blocks 2 and 3 are generated
  a.prefix_types.assign(a.prefix_hashes.size(), workload::TokenType::User);
  const auto keys = cache.block_keys(a, 64);
  ASSERT_EQ(keys.size(), 4u);
  std::vector<policy::BlockId> held;
  pool.allocate(4);
  cache.insert(keys, 4, a, held, pool, 0);
  ASSERT_EQ(held.size(), 4u);
  EXPECT_EQ(cache.block(held[1]).type, workload::TokenType::User);
  EXPECT_EQ(cache.block(held[2]).type, workload::TokenType::Response);
  EXPECT_EQ(cache.block(held[3]).type, workload::TokenType::Response);
}

std::unique_ptr<ServingInstance> instance(Simulator& sim, const model::ExecutionModel& exec,
                                          ServingObserver& obs, LookupRecorder& rec) {
  std::vector<std::unique_ptr<hw::Device>> devices;
  devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
  ServingInstance::Wiring w{sim, exec, std::make_unique<policy::VllmBatching>(policy::VllmBatching::Config{}), obs};
  w.prefix_cache = std::make_unique<PrefixCache>(
      PrefixCache::Config{}, PrefixCache::Wiring{0, std::make_unique<policy::LruEviction>(), rec});
  return std::make_unique<ServingInstance>(0, std::move(w), std::move(devices), KvSizing{1000, 16});
}

// A 2-turn session on an idle instance with room for everything. Turn 1: 160 prompt tokens
// (10 blocks), 33 generated: KV for 192 tokens = 12 full blocks, 2 of them generated. Turn 2:
// 240 prompt tokens (15 blocks) continuing that stream. It finds 12 blocks cached with output
// caching and 10 without; the block hit rate over both lookups is 12/25 against 10/25.
std::int64_t second_turn_hit_blocks(bool with_output_hashes, double& block_hit_rate) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  LookupRecorder rec;
  auto inst = instance(sim, exec, obs, rec);
  workload::Request first = turn(160, 33, with_output_hashes);
  first.id = 0;
  first.expects_followup = true;
  workload::Request second = turn(240, 2, with_output_hashes);
  second.id = 1;
  second.arrival_ns = seconds_to_ns(10);  // long after the first finished
  Feeder feed(sim, *inst, {first, second});
  sim.run();
  EXPECT_EQ(obs.done.size(), 2u);
  EXPECT_EQ(rec.lookups.size(), 2u);
  if (rec.lookups.size() != 2) return -1;
  EXPECT_EQ(rec.lookups[0].hit_blocks, 0);
  std::int64_t hits = 0, blocks = 0;
  for (const auto& l : rec.lookups) {
    hits += l.hit_blocks;
    blocks += l.prompt_blocks;
  }
  block_hit_rate = static_cast<double>(hits) / static_cast<double>(blocks);
  EXPECT_EQ(obs.done[1].cached_prompt_tokens, rec.lookups[1].hit_tokens);
  inst->prefix_cache()->check_blocks();
  EXPECT_EQ(inst->kv().allocated(), 0);
  return rec.lookups[1].hit_blocks;
}

TEST(OutputBlocks, TheNextTurnHitsTheGeneratedBlocksOfThePreviousOne) {
  double with = 0, without = 0;
  EXPECT_EQ(second_turn_hit_blocks(true, with), 12);
  EXPECT_DOUBLE_EQ(with, 12.0 / 25.0);
  EXPECT_EQ(second_turn_hit_blocks(false, without), 10);
  EXPECT_DOUBLE_EQ(without, 10.0 / 25.0);
}

}  // namespace
}  // namespace xpusim::systems
