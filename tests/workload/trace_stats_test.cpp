// Trace statistics on hand-made rows, and format inference from a file's first line.
#include "xpusim/workload/trace_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_files.hpp"
#include "xpusim/core/error.hpp"

namespace xpusim::workload {
namespace {

TraceRow row(TimeNs offset_ns, std::int32_t prompt, std::int32_t output,
             std::vector<std::uint64_t> hashes = {}) {
  TraceRow r;
  r.offset_ns = offset_ns;
  r.prompt_tokens = prompt;
  r.output_tokens = output;
  r.prefix_hashes = std::move(hashes);
  return r;
}

TEST(TraceStats, RateBurstinessPercentilesAndReuseByHand) {
  TraceStats stats;
  // Arrivals 2, 3, 6 s: gaps 1 and 3, mean 2, population std 1 -> CV 0.5; rate 2 gaps / 4 s.
  stats.add(row(2 * kNsPerS, 10, 1, {1, 2}));
  stats.add(row(3 * kNsPerS, 30, 3, {1, 3}));
  stats.add(row(6 * kNsPerS, 20, 2, {1, 2, 4}));
  const auto s = stats.summary();
  EXPECT_EQ(s.requests, 3);
  EXPECT_DOUBLE_EQ(s.span_s, 4.0);
  EXPECT_DOUBLE_EQ(s.rate_per_s, 0.5);
  EXPECT_DOUBLE_EQ(s.interarrival_cv, 0.5);
  EXPECT_DOUBLE_EQ(s.prompt.mean, 20.0);
  // Nearest rank among 3: p50 is rank 2, p90 and p99 rank 3.
  EXPECT_EQ(s.prompt.p50, 20);
  EXPECT_EQ(s.prompt.p90, 30);
  EXPECT_EQ(s.prompt.p99, 30);
  EXPECT_EQ(s.prompt.max, 30);
  EXPECT_EQ(s.output.p50, 2);
  // References 1 2 | 1 3 | 1 2 4: the second 1, the third 1 and the second 2 repeat.
  EXPECT_TRUE(s.has_prefix);
  EXPECT_EQ(s.block_references, 7);
  EXPECT_EQ(s.repeated_references, 3);
  EXPECT_EQ(s.distinct_blocks, 4);
  EXPECT_DOUBLE_EQ(s.block_reuse, 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(s.blocks_per_request, 7.0 / 3.0);
}

TEST(TraceStats, PercentilesUseNearestRankOnTenValues) {
  TraceStats stats;
  for (int i = 10; i >= 1; --i) stats.add(row(0, i, 1));  // unsorted on purpose
  const auto s = stats.summary();
  EXPECT_EQ(s.prompt.p50, 5);
  EXPECT_EQ(s.prompt.p90, 9);  // rank ceil(0.9 * 10) = 9, not 10
  EXPECT_EQ(s.prompt.p99, 10);
  EXPECT_DOUBLE_EQ(s.prompt.mean, 5.5);
  EXPECT_FALSE(s.has_prefix);
  EXPECT_TRUE(std::isnan(s.rate_per_s));  // all at one instant: no rate, no CV
  EXPECT_TRUE(std::isnan(s.interarrival_cv));
}

TEST(TraceStats, PoissonGapsHaveCvNearOne) {
  // Exponential gaps by inverse transform on an even grid of quantiles: CV -> 1 as n grows.
  TraceStats stats;
  double t = 0;
  const int n = 20'000;
  for (int i = 0; i < n; ++i) {
    stats.add(row(static_cast<TimeNs>(t * 1e9), 1, 1));
    t += -std::log(1.0 - (i + 0.5) / n);
  }
  EXPECT_NEAR(stats.summary().interarrival_cv, 1.0, 0.01);
}

TEST(TraceFormatInference, FromTheFirstLine) {
  testing::TempDir dir;
  EXPECT_EQ(
      infer_trace_format(dir.write("a", "\xEF\xBB\xBFTIMESTAMP,ContextTokens,GeneratedTokens\n")),
      TraceFormat::Azure);
  EXPECT_EQ(infer_trace_format(dir.write("b", "\n arrival_s , prompt_tokens,output_tokens\n")),
            TraceFormat::Xpusim);
  EXPECT_EQ(infer_trace_format(dir.write("c.csv", "Log Type,Timestamp,Request tokens\n")),
            TraceFormat::BurstGpt);
  EXPECT_EQ(infer_trace_format(dir.write("d.csv", "  {\"timestamp\": 0}\n")),
            TraceFormat::Mooncake);
  try {
    infer_trace_format(dir.write("e.jsonl", "\ntime,tokens\n"));
    FAIL() << "an unknown header was given a format";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("e.jsonl:2: cannot infer"), std::string::npos) << e.what();
  }
  EXPECT_THROW(infer_trace_format(dir.write("f", "")), Error);
  EXPECT_EQ(parse_trace_format("burstgpt"), TraceFormat::BurstGpt);
  EXPECT_STREQ(to_string(TraceFormat::Mooncake), "mooncake");
  EXPECT_THROW(parse_trace_format("json"), Error);
}

}  // namespace
}  // namespace xpusim::workload
