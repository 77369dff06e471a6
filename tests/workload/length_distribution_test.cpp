#include "xpusim/workload/length_distribution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "test_files.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/workload/empirical_length.hpp"
#include "xpusim/workload/fixed_length.hpp"
#include "xpusim/workload/lognormal_length.hpp"
#include "xpusim/workload/uniform_length.hpp"

namespace xpusim::workload {
namespace {

struct Moments {
  double mean = 0;
  double cv = 0;
};

Moments moments_of(LengthDistribution& dist, RngStream& rng, int n) {
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = dist.sample(rng);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n;
  return {mean, std::sqrt(sum_sq / n - mean * mean) / mean};
}

TEST(FixedLength, AlwaysTheValue) {
  FixedLength dist(77);
  RngStream rng(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(dist.sample(rng), 77);
}

TEST(UniformLength, CoversBothEndsAndNothingOutside) {
  UniformLength dist(3, 7);
  RngStream rng(2);
  std::map<int, int> counts;
  for (int i = 0; i < 50'000; ++i) ++counts[dist.sample(rng)];
  ASSERT_EQ(counts.size(), 5u);
  EXPECT_EQ(counts.begin()->first, 3);
  EXPECT_EQ(counts.rbegin()->first, 7);
  // Each value has p = 0.2; the binomial standard error over 50k draws is 0.0018, so 0.01 is
  // more than 5 standard errors.
  for (const auto& [value, count] : counts) EXPECT_NEAR(count / 50'000.0, 0.2, 0.01) << value;
}

TEST(LognormalLength, MeanAndCvMatchParameters) {
  // Bounds far outside the mass so clamping does not bias the moments.
  for (const double cv : {0.5, 1.0}) {
    LognormalLength dist(1000, cv, 1, 2'000'000'000);
    RngStream rng(3);
    const Moments m = moments_of(dist, rng, 200'000);
    // Standard error of the mean is cv * 1000 / sqrt(2e5) <= 2.3 (0.23%), so 10 is > 4 of them.
    // The sample CV's standard error is about 0.8% at cv = 1 (excess kurtosis 38); 6% leaves
    // room because heavy tails make it converge more slowly than the normal approximation says.
    EXPECT_NEAR(m.mean, 1000, 10) << cv;
    EXPECT_NEAR(m.cv, cv, cv * 0.06) << cv;
  }
}

TEST(LognormalLength, DerivesMuSigmaFromMeanAndCv) {
  LognormalLength dist(500, 1.0, 1, 10'000);
  // sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2.
  EXPECT_NEAR(dist.sigma(), std::sqrt(std::log(2.0)), 1e-12);
  EXPECT_NEAR(dist.mu(), std::log(500.0) - std::log(2.0) / 2, 1e-12);
}

TEST(LognormalLength, ClampsIntoBounds) {
  LognormalLength dist(500, 3.0, 100, 2000);
  RngStream rng(4);
  int at_min = 0, at_max = 0;
  for (int i = 0; i < 20'000; ++i) {
    const int x = dist.sample(rng);
    ASSERT_GE(x, 100);
    ASSERT_LE(x, 2000);
    at_min += x == 100;
    at_max += x == 2000;
  }
  EXPECT_GT(at_min, 0);
  EXPECT_GT(at_max, 0);
}

TEST(LognormalLength, ZeroCvIsTheMean) {
  LognormalLength dist(321, 0.0, 1, 10'000);
  RngStream rng(5);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(dist.sample(rng), 321);
}

TEST(EmpiricalLength, ResamplesXpusimColumnUniformly) {
  testing::TempDir dir;
  const auto file = dir.write("t.csv",
                              "arrival_s,prompt_tokens,output_tokens\n"
                              "0,10,1\n0.1,20,2\n0.2,30,3\n0.3,40,4\n");
  EmpiricalLength dist(EmpiricalLength::load(file, TraceFormat::Xpusim, TraceColumn::Prompt), 1,
                       100);
  ASSERT_EQ(dist.size(), 4u);
  RngStream rng(6);
  std::map<int, int> counts;
  for (int i = 0; i < 40'000; ++i) ++counts[dist.sample(rng)];
  ASSERT_EQ(counts.size(), 4u);
  // p = 0.25 each; standard error 0.0022 over 40k draws.
  for (const int v : {10, 20, 30, 40}) EXPECT_NEAR(counts[v] / 40'000.0, 0.25, 0.012) << v;
}

TEST(EmpiricalLength, AzureOutputColumnClampedToBounds) {
  testing::TempDir dir;
  const auto file = dir.write("a.csv",
                              "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                              "2023-11-16 18:15:46.0000000,100,0\n"
                              "2023-11-16 18:15:47.0000000,200,5000\n");
  const auto values = EmpiricalLength::load(file, TraceFormat::Azure, TraceColumn::Output);
  EXPECT_EQ(values, (std::vector<std::int32_t>{1, 5000}));  // 0 generated tokens replays as 1
  EmpiricalLength dist(values, 1, 1000);
  RngStream rng(7);
  std::set<int> seen;
  for (int i = 0; i < 200; ++i) seen.insert(dist.sample(rng));
  EXPECT_EQ(seen, (std::set<int>{1, 1000}));
}

Params resolve_prompt(std::map<std::string, ParamValue> given) {
  return resolve_params(length_binding("prompt").schema(), given);
}

// Bound, then the trace resolved against the scenario folder, as the synthetic source does.
LengthSpec spec_of(const Params& p, const std::filesystem::path& base_dir) {
  LengthSpec spec = length_binding("prompt").bind(p);
  resolve_length_trace(spec, base_dir);
  return spec;
}

TEST(LengthSpec, CrossParameterErrorsNameTheKey) {
  auto key_of = [](const Params& p) {
    try {
      spec_of(p, "");
    } catch (const ParamError& e) {
      return e.key();
    }
    return std::string("no error");
  };
  EXPECT_EQ(
      key_of(resolve_prompt({{"prompt_min", std::int64_t{50}}, {"prompt_max", std::int64_t{10}}})),
      "prompt_max");
  EXPECT_EQ(key_of(resolve_prompt({{"prompt_dist", std::string("empirical")}})), "prompt_trace");
  EXPECT_EQ(key_of(resolve_prompt({{"prompt_dist", std::string("fixed")}, {"prompt_mean", 0.2}})),
            "prompt_mean");
  EXPECT_EQ(key_of(resolve_prompt({})), "no error");
}

TEST(LengthSpec, EmpiricalTraceResolvedAgainstBaseDir) {
  testing::TempDir dir;
  dir.write("lengths.csv", "arrival_s,prompt_tokens,output_tokens\n0,42,1\n");
  const Params p = resolve_prompt({{"prompt_dist", std::string("empirical")},
                                   {"prompt_trace", std::string("lengths.csv")},
                                   {"prompt_trace_format", std::string("xpusim")}});
  const LengthSpec spec = spec_of(p, dir.path());
  auto dist = make_length_distribution(spec);
  RngStream rng(8);
  EXPECT_EQ(dist->sample(rng), 42);
  // Missing file: a clear error, not a crash.
  const Params missing = resolve_prompt(
      {{"prompt_dist", std::string("empirical")}, {"prompt_trace", std::string("nope.csv")}});
  EXPECT_THROW(make_length_distribution(
                   spec_of(missing, dir.path())),
               Error);
}

}  // namespace
}  // namespace xpusim::workload
