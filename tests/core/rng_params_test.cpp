#include <gtest/gtest.h>

#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/core/params.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/core/time.hpp"

namespace xpusim {
namespace {

TEST(Rng, StreamsAreReproducibleAndIndependentByName) {
  RngStream a(42, "workload"), b(42, "workload"), c(42, "router");
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
  RngStream a2(42, "workload");
  int same = 0;
  for (int i = 0; i < 100; ++i) same += a2.next_u64() == c.next_u64();
  EXPECT_LT(same, 2);
}

TEST(Rng, DistributionMomentsMatch) {
  RngStream r(1);
  const int n = 200000;
  double se = 0, sn = 0, sn2 = 0, sg = 0;
  for (int i = 0; i < n; ++i) {
    se += r.exponential(4.0);
    double x = r.normal(1.0, 2.0);
    sn += x;
    sn2 += x * x;
    sg += r.gamma(0.5, 3.0);
  }
  EXPECT_NEAR(se / n, 0.25, 0.005);
  EXPECT_NEAR(sn / n, 1.0, 0.02);
  EXPECT_NEAR(sn2 / n - (sn / n) * (sn / n), 4.0, 0.06);
  EXPECT_NEAR(sg / n, 1.5, 0.03);
}

TEST(Time, ConversionRejectsOverflowAndNaN) {
  EXPECT_EQ(seconds_to_ns(1.5), 1'500'000'000);
  EXPECT_EQ(duration_ns_ceil(1e-12), 1);
  EXPECT_THROW(seconds_to_ns(1e10), Error);
  EXPECT_THROW(seconds_to_ns(std::nan("")), Error);
  EXPECT_THROW(seconds_to_ns(INFINITY), Error);
}

TEST(Params, ResolvesDefaultsAndRejectsBadValues) {
  ParamSchema s;
  s.integer("n", 4, "", "count", {.min = 1})
      .real("rate_per_s", std::nullopt, "1/s", "rate", {.min = 0, .min_exclusive = true})
      .choice("mode", "a", {"a", "b"}, "mode");
  Params p = resolve_params(s, {{"rate_per_s", std::int64_t{3}}});
  EXPECT_EQ(p.integer("n"), 4);
  EXPECT_DOUBLE_EQ(p.real("rate_per_s"), 3.0);
  EXPECT_EQ(p.string("mode"), "a");
  EXPECT_THROW(resolve_params(s, {}), ParamError);                               // missing
  EXPECT_THROW(resolve_params(s, {{"rate_per_s", 0.0}}), ParamError);            // exclusive min
  EXPECT_THROW(resolve_params(s, {{"rate_per_s", 1.0}, {"n", std::int64_t{0}}}), ParamError);
  EXPECT_THROW(resolve_params(s, {{"rate_per_s", 1.0}, {"mode", std::string("c")}}), ParamError);
  EXPECT_THROW(resolve_params(s, {{"rate_per_s", 1.0}, {"bogus", 1.0}}), ParamError);
  try {
    resolve_params(s, {{"rate_per_s", 1.0}, {"mode", std::string("c")}});
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "mode");
    EXPECT_NE(std::string(e.what()).find("one of: a b"), std::string::npos);
  }
}

}  // namespace
}  // namespace xpusim
