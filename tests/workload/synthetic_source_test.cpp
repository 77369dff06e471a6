#include "xpusim/workload/synthetic_source.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::workload {
namespace {

std::vector<Request> drain(RequestSource& source) {
  std::vector<Request> out;
  while (auto r = source.next()) out.push_back(std::move(*r));
  return out;
}

SyntheticSource::Config base_config() {
  SyntheticSource::Config c;
  c.rate_per_s = 10;
  c.num_requests = 50'000;
  c.prompt = {.kind = LengthKind::Lognormal, .mean = 1024, .cv = 1, .min = 1, .max = 32768};
  c.output = {.kind = LengthKind::Lognormal, .mean = 256, .cv = 1, .min = 1, .max = 8192};
  return c;
}

struct GapStats {
  double mean_s = 0;
  double cv = 0;
};

GapStats gap_stats(const std::vector<Request>& rs) {
  double sum = 0, sum_sq = 0;
  TimeNs previous = 0;
  for (const auto& r : rs) {
    const double gap = ns_to_seconds(r.arrival_ns - previous);
    previous = r.arrival_ns;
    sum += gap;
    sum_sq += gap * gap;
  }
  const double n = static_cast<double>(rs.size());
  const double mean = sum / n;
  return {mean, std::sqrt(sum_sq / n - mean * mean) / mean};
}

TEST(SyntheticSource, PoissonRateAndUnitCv) {
  SyntheticSource source(base_config(), 11);
  const auto rs = drain(source);
  ASSERT_EQ(rs.size(), 50'000u);
  const GapStats g = gap_stats(rs);
  // Exponential gaps: the mean's relative standard error is 1/sqrt(5e4) = 0.45%, so 2% is 4.5
  // standard errors. The sample CV's is about 0.7% (excess kurtosis 6); 3% is > 4 of them.
  EXPECT_NEAR(1.0 / g.mean_s, 10.0, 0.2);
  EXPECT_NEAR(g.cv, 1.0, 0.03);
}

TEST(SyntheticSource, GammaCvMatches) {
  for (const double cv : {0.5, 2.0}) {
    auto c = base_config();
    c.arrival = SyntheticSource::Arrival::Gamma;
    c.cv = cv;
    SyntheticSource source(c, 12);
    const GapStats g = gap_stats(drain(source));
    // The mean's relative standard error is cv/sqrt(5e4) <= 0.9%; 4% is > 4 of them. The
    // sample CV's is about 0.4% at cv = 0.5 and 1.5% at cv = 2 (gamma excess kurtosis 6cv^2 =
    // 24); 7% is > 4 standard errors at both.
    EXPECT_NEAR(1.0 / g.mean_s, 10.0, 0.4) << cv;
    EXPECT_NEAR(g.cv, cv, cv * 0.07) << cv;
  }
}

TEST(SyntheticSource, IdsSequentialArrivalsOrderedSlosAndTenantsSet) {
  auto c = base_config();
  c.num_requests = 2'000;
  c.tenants = 4;
  c.ttft_slo_s = 0.5;
  c.tpot_slo_s = 0.05;
  SyntheticSource source(c, 13);
  ASSERT_EQ(source.tenants(), (std::vector<std::string>{"t0", "t1", "t2", "t3"}));
  const auto rs = drain(source);
  ASSERT_EQ(rs.size(), 2'000u);
  std::vector<int> per_tenant(4, 0);
  for (std::size_t i = 0; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].id, i);
    if (i > 0) EXPECT_GE(rs[i].arrival_ns, rs[i - 1].arrival_ns);
    EXPECT_GE(rs[i].prompt_tokens, 1);
    EXPECT_GE(rs[i].output_tokens, 1);
    EXPECT_EQ(rs[i].ttft_slo_s, 0.5);
    EXPECT_EQ(rs[i].tpot_slo_s, 0.05);
    ASSERT_GE(rs[i].tenant, 0);
    ASSERT_LT(rs[i].tenant, 4);
    ++per_tenant[static_cast<std::size_t>(rs[i].tenant)];
  }
  // p = 0.25 each; binomial standard error over 2000 draws is 0.0097, so 0.05 is 5 of them.
  for (const int n : per_tenant) EXPECT_NEAR(n / 2000.0, 0.25, 0.05);
  EXPECT_FALSE(source.next());  // stays exhausted
}

TEST(SyntheticSource, DurationStopsGeneration) {
  auto c = base_config();
  c.duration_s = 100;
  SyntheticSource source(c, 14);
  const auto rs = drain(source);
  ASSERT_FALSE(rs.empty());
  EXPECT_LE(rs.back().arrival_ns, 100 * kNsPerS);
  // About rate * duration = 1000 arrivals; Poisson sd is 32, so 850..1150 is nearly 5 sd.
  EXPECT_GT(rs.size(), 850u);
  EXPECT_LT(rs.size(), 1150u);
}

TEST(SyntheticSource, SameSeedSameSequenceDifferentSeedDifferent) {
  auto c = base_config();
  c.num_requests = 500;
  c.tenants = 3;
  SyntheticSource a(c, 21), b(c, 21), other(c, 22);
  const auto ra = drain(a), rb = drain(b), ro = drain(other);
  ASSERT_EQ(ra.size(), rb.size());
  int same_arrivals = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].arrival_ns, rb[i].arrival_ns);
    EXPECT_EQ(ra[i].prompt_tokens, rb[i].prompt_tokens);
    EXPECT_EQ(ra[i].output_tokens, rb[i].output_tokens);
    EXPECT_EQ(ra[i].tenant, rb[i].tenant);
    same_arrivals += ra[i].arrival_ns == ro[i].arrival_ns;
  }
  EXPECT_LT(same_arrivals, 5);
}

TEST(SyntheticSource, ChangingOneComponentLeavesOthersUnchanged) {
  auto c = base_config();
  c.num_requests = 500;
  c.tenants = 3;
  SyntheticSource reference(c, 31);
  const auto ref = drain(reference);

  auto c2 = c;  // different output lengths, tenants and arrival process
  c2.output = {.kind = LengthKind::Uniform, .min = 1, .max = 4};
  c2.tenants = 7;
  SyntheticSource changed_out(c2, 31);
  auto c3 = c;
  c3.arrival = SyntheticSource::Arrival::Gamma;
  c3.cv = 3;
  c3.prompt = {.kind = LengthKind::Fixed, .mean = 9};
  SyntheticSource changed_arrival(c3, 31);
  const auto r2 = drain(changed_out), r3 = drain(changed_arrival);
  int output_differs = 0, arrival_differs = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    EXPECT_EQ(r2[i].arrival_ns, ref[i].arrival_ns);
    EXPECT_EQ(r2[i].prompt_tokens, ref[i].prompt_tokens);
    EXPECT_EQ(r3[i].output_tokens, ref[i].output_tokens);
    EXPECT_EQ(r3[i].tenant, ref[i].tenant);
    output_differs += r2[i].output_tokens != ref[i].output_tokens;
    arrival_differs += r3[i].arrival_ns != ref[i].arrival_ns;
  }
  EXPECT_GT(output_differs, 400);  // the change itself took effect
  EXPECT_GT(arrival_differs, 400);
}

TEST(SourceCatalog, RegistersBothSourcesWithSchemas) {
  SourceCatalog catalog("workload");
  register_request_sources(catalog);
  EXPECT_EQ(catalog.names(), (std::vector<std::string>{"sessions", "synthetic", "tenant_mix", "trace"}));
  const auto* synthetic = catalog.find("synthetic");
  ASSERT_NE(synthetic, nullptr);
  EXPECT_FALSE(synthetic->help.empty());
  for (const char* key :
       {"arrival", "rate_per_s", "cv", "num_requests", "duration_s", "prompt_dist", "prompt_mean",
        "prompt_cv", "prompt_min", "prompt_max", "prompt_trace", "prompt_trace_format",
        "output_dist", "output_mean", "tenants", "ttft_slo_s", "tpot_slo_s"})
    EXPECT_NE(synthetic->schema.find(key), nullptr) << key;
  for (const auto& decl : synthetic->schema.decls()) EXPECT_FALSE(decl.help.empty()) << decl.name;
  // rate_per_s is required.
  EXPECT_THROW(resolve_params(synthetic->schema, {}), ParamError);
  const Params p = resolve_params(
      synthetic->schema,
      {{"rate_per_s", 5.0}, {"num_requests", std::int64_t{3}}, {"tenants", std::int64_t{2}}});
  auto source = synthetic->make(p, SourceContext{.seed = 1, .base_dir = {}});
  EXPECT_EQ(source->tenants().size(), 2u);
  EXPECT_EQ(drain(*source).size(), 3u);
  const auto* trace = catalog.find("trace");
  ASSERT_NE(trace, nullptr);
  EXPECT_THROW(resolve_params(trace->schema, {}), ParamError);  // path is required
}

TEST(SourceCatalog, SyntheticCrossParameterErrorIsParamError) {
  SourceCatalog catalog("workload");
  register_request_sources(catalog);
  const auto* synthetic = catalog.find("synthetic");
  const Params p = resolve_params(
      synthetic->schema,
      {{"rate_per_s", 5.0}, {"output_min", std::int64_t{100}}, {"output_max", std::int64_t{10}}});
  try {
    synthetic->make(p, SourceContext{});
    FAIL() << "expected ParamError";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "output_max");
  }
}

// A share of high-priority requests from its own stream: 10,000 draws at 0.3 land within 4
// standard deviations (sqrt(.3 x .7 / 10,000) = .0046) of 0.3, and every other field is the
// same as without priorities.
TEST(SyntheticSource, HighPriorityFractionDrawsFromItsOwnStream) {
  SyntheticSource::Config c = base_config();
  c.num_requests = 10'000;
  c.tenants = 3;
  SyntheticSource plain(c, 7);
  c.high_priority_fraction = 0.3;
  SyntheticSource mixed(c, 7);
  const auto a = drain(plain), b = drain(mixed);
  ASSERT_EQ(a.size(), b.size());
  std::int64_t high = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].priority, 0);
    ASSERT_TRUE(b[i].priority == 0 || b[i].priority == 1);
    high += b[i].priority;
    ASSERT_EQ(a[i].arrival_ns, b[i].arrival_ns);
    ASSERT_EQ(a[i].prompt_tokens, b[i].prompt_tokens);
    ASSERT_EQ(a[i].output_tokens, b[i].output_tokens);
    ASSERT_EQ(a[i].tenant, b[i].tenant);
  }
  EXPECT_NEAR(static_cast<double>(high) / 10'000, 0.3, 4 * 0.0046);
  EXPECT_THROW(SyntheticSource::binding().from({{"rate_per_s", ParamValue(1.0)},
                                                {"high_priority_fraction", ParamValue(1.5)}}),
               std::exception);
}

}  // namespace
}  // namespace xpusim::workload
