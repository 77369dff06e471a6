#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/report/log_histogram.hpp"
#include "xpusim/report/sample_summary.hpp"

namespace xpusim::report {
namespace {

// Nearest rank from its definition, in floating point, as an independent reference.
double reference_quantile(std::vector<double> sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(q * n - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

TEST(NearestRank, SmallCases) {
  EXPECT_EQ(nearest_rank(0.9, 10), 9u);
  EXPECT_EQ(nearest_rank(0.99, 100), 99u);
  EXPECT_EQ(nearest_rank(0.5, 1), 1u);
  EXPECT_EQ(nearest_rank(0.5, 2), 1u);
  EXPECT_EQ(nearest_rank(0.5, 3), 2u);
  EXPECT_EQ(nearest_rank(0.0, 7), 1u);
  EXPECT_EQ(nearest_rank(1.0, 7), 7u);
  EXPECT_THROW(nearest_rank(1.5, 7), InvariantError);
}

TEST(SampleSummary, MatchesSortedReferenceOnRandomData) {
  RngStream rng(42);
  for (int trial = 0; trial < 20; ++trial) {
    SampleSummary s;
    std::vector<double> ref;
    const auto n = static_cast<std::size_t>(rng.uniform_int(1, 5000));
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = rng.lognormal(0.0, 2.0);
      s.add(v);
      ref.push_back(v);
      sum += v;
    }
    std::sort(ref.begin(), ref.end());
    for (double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0})
      EXPECT_EQ(s.quantile(q), reference_quantile(ref, q)) << "n=" << n << " q=" << q;
    EXPECT_EQ(s.max(), ref.back());
    EXPECT_DOUBLE_EQ(s.mean(), sum / static_cast<double>(n));
    EXPECT_EQ(s.count(), n);
  }
}

// Durations added as whole nanoseconds are stored as integers (4 bytes below 2^32 ns): the
// summary must equal, bit for bit, one fed the same durations as ns / 1e9 doubles. Data straddle
// 2^32 ns (~4.29 s), with ties, zeros and both boundary values, so ranks fall in both stores and
// across their border; queries interleave with adds; one pair turns streaming part-way.
TEST(SampleSummary, NanosecondDurationsGiveTheSameSummaryAsTheirSeconds) {
  RngStream rng(7);
  const std::int64_t border = std::int64_t{1} << 32;
  for (int trial = 0; trial < 12; ++trial) {
    const std::size_t limit = trial == 11 ? 900 : SampleSummary::kDefaultExactLimit;
    SampleSummary by_ns(limit);
    SampleSummary by_value(limit);
    const auto n = rng.uniform_int(1, 3000);
    for (std::int64_t i = 0; i < n; ++i) {
      std::int64_t ns = rng.uniform_int(0, 3 * border);
      if (i % 17 == 0) ns = border - 1 + (i % 2);  // either side of the border
      if (i % 23 == 0) ns = 0;
      if (i % 5 == 0) ns = rng.uniform_int(0, 4) * 1'000'000'000;  // exact ties
      by_ns.add_ns_as_seconds(ns);
      by_value.add(static_cast<double>(ns) / 1e9);
      if (i % 997 == 0) EXPECT_EQ(by_ns.quantile(0.5), by_value.quantile(0.5));
    }
    EXPECT_EQ(by_ns.exact(), by_value.exact());
    for (double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0})
      EXPECT_EQ(by_ns.quantile(q), by_value.quantile(q)) << "n=" << n << " q=" << q;
    EXPECT_EQ(by_ns.to_json().dump(), by_value.to_json().dump());
  }
}

TEST(SampleSummary, TakesValuesOrNanosecondsNotBoth) {
  SampleSummary s;
  s.add_ns_as_seconds(5);
  EXPECT_THROW(s.add(1.0), InvariantError);
  EXPECT_THROW(s.add_ns_as_seconds(-1), InvariantError);
  SampleSummary t;
  t.add(1.0);
  EXPECT_THROW(t.add_ns_as_seconds(5), InvariantError);
}

TEST(SampleSummary, AddAfterQueryResorts) {
  SampleSummary s;
  for (double v : {5.0, 1.0, 3.0}) s.add(v);
  EXPECT_EQ(s.quantile(0.5), 3.0);
  s.add(0.5);
  s.add(0.25);
  EXPECT_EQ(s.quantile(0.0), 0.25);
  EXPECT_EQ(s.quantile(0.5), 1.0);  // rank ceil(2.5) = 3 of {0.25, 0.5, 1, 3, 5}
  EXPECT_EQ(s.max(), 5.0);
}

TEST(SampleSummary, JsonHasNullsWhenEmpty) {
  SampleSummary s;
  const auto j = s.to_json();
  for (const char* key : {"mean", "p50", "p90", "p99", "max"}) EXPECT_TRUE(j.at(key).is_null());
  EXPECT_EQ(j.at("count"), 0);
  s.add(2.0);
  const auto k = s.to_json(10.0);
  EXPECT_DOUBLE_EQ(k.at("p99").get<double>(), 0.2);
  EXPECT_EQ(k.at("count"), 1);
}

// Streaming mode's stated bound: every quantile is within kStreamingRelativeError of the exact
// nearest-rank sample, relative to that sample (independent reference: a sorted copy). Data:
// heavy-tailed, uniform, negative and mixed-sign values, many exact ties and zeros; the switch
// happens at a random point (the limit), so samples added before and after it both count.
TEST(SampleSummary, StreamingQuantilesWithinTheStatedRelativeError) {
  RngStream rng(2024);
  const double bound = SampleSummary::kStreamingRelativeError;
  ASSERT_EQ(bound, 1.0 / 128.0);
  for (int trial = 0; trial < 40; ++trial) {
    const auto n = static_cast<std::size_t>(rng.uniform_int(1, 20000));
    const auto limit = static_cast<std::size_t>(rng.uniform_int(1, 5000));
    SampleSummary s(limit);
    std::vector<double> ref;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double v = 0;
      switch (trial % 4) {
        case 0: v = rng.lognormal(-3.0, 2.5); break;                      // seconds-like, heavy tail
        case 1: v = rng.uniform(0.0, 1e6); break;                         // wide uniform
        case 2: v = static_cast<double>(rng.uniform_int(0, 20)) * 0.25; break;  // ties and zeros
        default: v = rng.uniform(-5.0, 5.0) * rng.lognormal(0.0, 1.0); break;    // mixed sign
      }
      s.add(v);
      ref.push_back(v);
      sum += v;
    }
    EXPECT_EQ(s.exact(), n < limit) << "n=" << n << " limit=" << limit;
    std::sort(ref.begin(), ref.end());
    for (int k = 0; k <= 1000; ++k) {
      const double q = k / 1000.0;
      const double exact = reference_quantile(ref, q);
      const double got = s.quantile(q);
      EXPECT_LE(std::abs(got - exact), bound * std::abs(exact))
          << "trial " << trial << " n=" << n << " q=" << q << " exact=" << exact;
    }
    EXPECT_EQ(s.max(), ref.back());
    EXPECT_EQ(s.count(), n);
    EXPECT_DOUBLE_EQ(s.mean(), sum / static_cast<double>(n));
  }
}

// The bound is tight enough to matter: a bucket's midpoint is not the sample itself, so some
// streaming answer differs from the exact one (the test above would pass an exact summary too).
TEST(SampleSummary, StreamingIsApproximateAndSaysSoInItsJson) {
  SampleSummary exact;
  SampleSummary streaming(1);
  for (double v : {1.001, 2.0, 3.3}) {
    exact.add(v);
    streaming.add(v);
  }
  EXPECT_TRUE(exact.exact());
  EXPECT_FALSE(streaming.exact());
  EXPECT_NE(streaming.quantile(0.5), 2.0);
  EXPECT_NEAR(streaming.quantile(0.5), 2.0, 2.0 / 128);
  EXPECT_FALSE(exact.to_json().contains("quantile_relative_error"));
  EXPECT_DOUBLE_EQ(streaming.to_json().at("quantile_relative_error").get<double>(), 1.0 / 128);
  EXPECT_EQ(streaming.to_json().at("count"), 3);
  EXPECT_EQ(streaming.to_json().at("max"), 3.3);
}

TEST(LogHistogram, QuantilesWithinOnePercentOnHeavyTailedWeightedData) {
  RngStream rng(7);
  LogHistogram h;
  std::vector<std::pair<double, std::int64_t>> samples;
  constexpr int kSamples = 1'000'000;
  samples.reserve(kSamples);
  std::uint64_t total = 0;
  double weighted_sum = 0;
  for (int i = 0; i < kSamples; ++i) {
    // Pareto(alpha = 1.2) scaled to a 10 us minimum: most gaps short, a few enormous.
    const double v = 1e4 / std::pow(1.0 - rng.uniform01(), 1.0 / 1.2);
    const std::int64_t w = rng.uniform_int(1, 64);
    h.add(v, w);
    samples.emplace_back(v, w);
    total += static_cast<std::uint64_t>(w);
    weighted_sum += v * static_cast<double>(w);
  }
  std::sort(samples.begin(), samples.end());
  EXPECT_EQ(h.count(), total);
  EXPECT_NEAR(h.mean() / (weighted_sum / static_cast<double>(total)), 1.0, 1e-9);
  EXPECT_EQ(h.max(), samples.back().first);
  for (double q : {0.0, 0.001, 0.1, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    const std::uint64_t rank = nearest_rank(q, total);
    std::uint64_t seen = 0;
    double truth = 0;
    for (const auto& [v, w] : samples) {
      seen += static_cast<std::uint64_t>(w);
      if (seen >= rank) {
        truth = v;
        break;
      }
    }
    const double got = h.quantile(q);
    EXPECT_LE(std::fabs(got - truth) / truth, 0.01) << "q=" << q;
    EXPECT_LE(std::fabs(got - truth) / truth, LogHistogram::kMaxRelativeError) << "q=" << q;
  }
  // Memory tracks the value range (about 20 octaves here), not the 10^6 samples.
  EXPECT_LT(h.bucket_count(), 64u * 40u);
}

TEST(LogHistogram, ZerosSmallAndLargeValues) {
  LogHistogram h;
  h.add(0.0, 10);
  h.add(1e-6, 1);
  h.add(1e12, 1);
  EXPECT_EQ(h.count(), 12u);
  EXPECT_EQ(h.quantile(0.5), 0.0);
  EXPECT_EQ(h.min(), 0.0);
  EXPECT_NEAR(h.quantile(0.9), 1e-6, 1e-6 * 0.008);  // rank ceil(10.8) = 11
  EXPECT_EQ(h.quantile(1.0), 1e12);  // clamped to the exact max
  h.add(5.0, 0);                     // zero weight: no sample
  EXPECT_EQ(h.count(), 12u);
}

TEST(LogHistogram, SingleValueIsExactAndJsonScales) {
  LogHistogram h;
  h.add(1234567.0, 1000);
  EXPECT_EQ(h.quantile(0.5), 1234567.0);  // clamped into [min, max] = the value itself
  const auto j = h.to_json(1e9);
  EXPECT_EQ(j.at("p90").get<double>(), 0.001234567);  // exact division, no 1e-9 rounding
  EXPECT_EQ(j.at("count"), 1000);
  EXPECT_TRUE(LogHistogram().to_json().at("p50").is_null());
}

TEST(LogHistogram, IdenticalInputsGiveIdenticalJson) {
  auto build = [] {
    RngStream rng(3);
    LogHistogram h;
    for (int i = 0; i < 10000; ++i) h.add(rng.exponential(1e-5), rng.uniform_int(1, 8));
    return h.to_json(1e9).dump();
  };
  EXPECT_EQ(build(), build());
}

}  // namespace
}  // namespace xpusim::report
