#include "xpusim/report/prefix_cache_metrics.hpp"

#include <gtest/gtest.h>

namespace xpusim::report {
namespace {

systems::PrefixLookupRecord lookup(std::int64_t prompt, std::int64_t blocks, std::int64_t hit_blocks,
                                   bool readmission = false) {
  systems::PrefixLookupRecord r;
  r.prompt_tokens = prompt;
  r.prompt_blocks = blocks;
  r.hit_blocks = hit_blocks;
  r.hit_tokens = hit_blocks * 16;
  r.readmission = readmission;
  return r;
}

systems::RequestRecord done(TimeNs arrival, TimeNs first_token, std::int64_t cached) {
  systems::RequestRecord r;
  r.arrival_ns = arrival;
  r.first_token_ns = first_token;
  r.finish_ns = first_token + 1;
  r.cached_prompt_tokens = cached;
  return r;
}

TEST(PrefixCacheMetrics, HitRatesCountFirstAdmissionsAndSavingsCountEveryAdmission) {
  PrefixCacheMetrics m;
  m.on_prefix_lookup(lookup(160, 10, 5));  // 80 of 160 tokens
  m.on_prefix_lookup(lookup(100, 6, 0));
  m.on_prefix_lookup(lookup(160, 10, 9, /*readmission=*/true));
  const auto j = m.summary();
  EXPECT_EQ(j["lookups"], 2);
  EXPECT_EQ(j["hit_requests"], 1);
  EXPECT_DOUBLE_EQ(j["hit_rate_tokens"].get<double>(), 80.0 / 260.0);
  EXPECT_DOUBLE_EQ(j["hit_rate_blocks"].get<double>(), 5.0 / 16.0);
  EXPECT_EQ(j["prefill_tokens_saved"], 80 + 144);
}

TEST(PrefixCacheMetrics, TtftIsSplitByHitAndEvictionsByType) {
  PrefixCacheMetrics m;
  m.on_request_done(done(0, seconds_to_ns(0.1), 64));
  m.on_request_done(done(0, seconds_to_ns(0.3), 64));
  m.on_request_done(done(0, seconds_to_ns(2.0), 0));
  m.on_prefix_eviction({0, 0, workload::TokenType::Tool, 0});
  m.on_prefix_eviction({0, 0, workload::TokenType::Tool, 0});
  m.on_prefix_eviction({0, 0, workload::TokenType::System, 0});
  const auto j = m.summary();
  EXPECT_EQ(j["ttft_hit_s"]["count"], 2);
  EXPECT_DOUBLE_EQ(j["ttft_hit_s"]["mean"].get<double>(), 0.2);
  EXPECT_EQ(j["ttft_miss_s"]["count"], 1);
  EXPECT_EQ(j["evictions"], 3);
  EXPECT_EQ(j["evictions_by_type"]["tool"], 2);
  EXPECT_EQ(j["evictions_by_type"]["system"], 1);
  EXPECT_EQ(j["evictions_by_type"]["user"], 0);
}

TEST(PrefixCacheMetrics, NoLookupsGiveNullRates) {
  PrefixCacheMetrics m;
  const auto j = m.summary();
  EXPECT_TRUE(j["hit_rate_tokens"].is_null());
  EXPECT_TRUE(j["ttft_hit_s"]["mean"].is_null());
}

}  // namespace
}  // namespace xpusim::report
