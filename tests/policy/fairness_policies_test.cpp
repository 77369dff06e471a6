// fcfs, rpm_limit, equinox and the output predictors alone on hand-made queues.
#include <gtest/gtest.h>

#include <cmath>

#include "fake_fairness_view.hpp"
#include "xpusim/policy/fairness/equinox.hpp"
#include "xpusim/policy/fairness/fcfs.hpp"
#include "xpusim/policy/fairness/history_mean_predictor.hpp"
#include "xpusim/policy/fairness/noisy_oracle_predictor.hpp"
#include "xpusim/policy/fairness/rpm_limit.hpp"

namespace xpusim::policy {
namespace {

using testing::FakeFairnessView;

TEST(FcfsFairness, MergesTenantQueuesByArrival) {
  FcfsFairness fcfs;
  FakeFairnessView v;
  v.arrive(fcfs, 1, 10, 1, 5);
  v.arrive(fcfs, 0, 10, 1, 7);
  v.arrive(fcfs, 1, 10, 1, 9);
  v.arrive(fcfs, 0, 10, 1, 9);  // same time, later id
  EXPECT_TRUE(fcfs.arrival_order());
  EXPECT_EQ(v.order(fcfs), (std::vector<std::int32_t>{1, 0, 1, 0}));
}

TEST(RpmLimit, RejectsArrivalsBeyondTheLimitWithinTheSlidingMinute) {
  RpmLimitFairness rpm({2, 60});
  FakeFairnessView v;
  auto at = [](double s) { return seconds_to_ns(s); };
  const FairRequest t0{0, 0, 10, 10, 0, false};
  const FairRequest t1{1, 1, 10, 10, 0, false};
  EXPECT_TRUE(rpm.accept(t0, v, at(0)));
  EXPECT_TRUE(rpm.accept(t0, v, at(10)));
  EXPECT_FALSE(rpm.accept(t0, v, at(20)));
  EXPECT_TRUE(rpm.accept(t1, v, at(20))) << "limits are per tenant";
  EXPECT_FALSE(rpm.accept(t0, v, at(60))) << "an accept exactly 60 s old still counts";
  EXPECT_TRUE(rpm.accept(t0, v, at(60.5)));
  EXPECT_FALSE(rpm.accept(t0, v, at(61)))
      << "rejections do not count, the 10 s and 60.5 s accepts do";
}

EquinoxFairness::Config equinox_config(double alpha, const std::string& predictor,
                                       double cv = 0.5) {
  EquinoxFairness::Config c;
  c.alpha = alpha;
  c.predictor.kind = predictor;
  c.predictor.noise_cv = cv;
  return c;
}

TEST(Equinox, ChargesBothCountersFromThePredictionAndCorrectsToTheTruth) {
  EquinoxFairness eq(equinox_config(0.5, "noisy_oracle", 0.8), TenantWeights{}, 7);
  FakeFairnessView v;
  v.arrive(eq, 0, 100, 300);
  const FairRequest r = v.admit(eq, 0);
  // Charged from a noisy guess: some user charge, but not (in general) the truth.
  EXPECT_GT(eq.user_counter(0), 100);
  eq.on_finished(r, 0);
  EXPECT_NEAR(eq.user_counter(0), 100 + 2 * 300, 1e-9);
  EXPECT_NEAR(eq.resource_counter(0), 300 * (100 + 150), 1e-6);
}

TEST(Equinox, AlphaOneFollowsTheUserCounterAlphaZeroTheResourceCounter) {
  // t0: long prompts, short outputs (many tokens, little KV time); t1 the opposite.
  for (const double alpha : {1.0, 0.0}) {
    EquinoxFairness eq(equinox_config(alpha, "oracle"), TenantWeights{}, 1);
    FakeFairnessView v;
    v.arrive(eq, 0, 1000, 10);
    v.arrive(eq, 1, 10, 400);
    v.arrive(eq, 0, 10, 10);  // both stay backlogged, so nobody is lifted
    v.arrive(eq, 1, 10, 10);
    v.admit(eq, 0);  // user 1020, resource 10 * 1005 = 10050
    v.admit(eq, 1);  // user 810, resource 400 * 210 = 84000
    // alpha = 1: t1 has the smaller user counter; alpha = 0: t0 the smaller resource counter.
    EXPECT_EQ(v.order(eq, 1).front(), alpha == 1.0 ? 1 : 0) << "alpha " << alpha;
  }
}

TEST(Equinox, ReturningTenantIsLiftedOnBothCounters) {
  EquinoxFairness eq(equinox_config(0.5, "oracle"), TenantWeights{}, 1);
  FakeFairnessView v;
  v.arrive(eq, 0, 100, 100);
  v.admit(eq, 0);
  v.arrive(eq, 0, 100, 100);  // t0 backlogged with counters (300, 15000)
  v.arrive(eq, 1, 100, 100);
  EXPECT_DOUBLE_EQ(eq.user_counter(1), 300);
  EXPECT_DOUBLE_EQ(eq.resource_counter(1), 100 * 150);
}

// The latency term, by hand (oracle, alpha = 0.5, w_p = 1, w_q = 2, latency_weight = 10
// priced tokens per second of waiting). t0 arrived at 0 and waited 20 s, t1 arrived at 15 s
// and waited 5 s; both requests are 100 in + 100 out:
//   user charges   t0: 300 - 10 * 20 = 100,   t1: 300 - 10 * 5 = 250
//   resource       both 100 * (100 + 50) = 15000
// After both are admitted, t0 (100, 15000) and t1 (250, 15000) are backlogged:
//   HF(t0) = 0.5 * 100/350 + 0.5 * 0.5 = 0.3929,  HF(t1) = 0.5 * 250/350 + 0.25 = 0.6071
// so t0, whose user waited longer, goes first; without the latency term the two tie (300 each)
// and the first-seen tenant, t1 here, goes first.
TEST(Equinox, LatencyTermServesTheTenantThatWaitedLongerFirst) {
  for (const double lw : {10.0, 0.0}) {
    EquinoxFairness::Config c = equinox_config(0.5, "oracle");
    c.latency_weight = lw;
    EquinoxFairness eq(c, TenantWeights{}, 1);
    FakeFairnessView v;
    v.arrive(eq, 1, 100, 100, seconds_to_ns(15));  // t1 is seen first
    v.arrive(eq, 0, 100, 100, 0);
    v.arrive(eq, 1, 100, 100, seconds_to_ns(15));  // both stay backlogged
    v.arrive(eq, 0, 100, 100, 0);
    v.admit(eq, 0, seconds_to_ns(20));
    v.admit(eq, 1, seconds_to_ns(20));
    EXPECT_DOUBLE_EQ(eq.user_counter(0), lw > 0 ? 100 : 300);
    EXPECT_DOUBLE_EQ(eq.user_counter(1), lw > 0 ? 250 : 300);
    EXPECT_DOUBLE_EQ(eq.resource_counter(0), 15000);
    EXPECT_EQ(v.order(eq, 1, seconds_to_ns(20)).front(), lw > 0 ? 0 : 1) << "latency_weight " << lw;
  }
}

// A wait worth more than the request's priced tokens charges nothing, never a negative service;
// the correction at finish keeps the wait (500 s x 10 > 100 + 2 x 50 either way).
TEST(Equinox, LatencyTermNeverChargesBelowZero) {
  EquinoxFairness::Config c = equinox_config(0.5, "history_mean");
  c.latency_weight = 10;
  EquinoxFairness eq(c, TenantWeights{}, 1);
  FakeFairnessView v;
  v.arrive(eq, 0, 100, 50, 0);
  const FairRequest r = v.admit(eq, 0, seconds_to_ns(500));
  EXPECT_DOUBLE_EQ(eq.user_counter(0), 0);
  eq.on_finished(r, seconds_to_ns(600));
  EXPECT_DOUBLE_EQ(eq.user_counter(0), 0);
  EXPECT_DOUBLE_EQ(eq.resource_counter(0), 50 * (100 + 25));  // corrected to the truth
}

TEST(OutputPredictors, HistoryMeanUsesThePriorThenTheTenantsMean) {
  HistoryMeanPredictor p(256);
  FairRequest r{0, 3, 10, 999, 0, false};
  EXPECT_DOUBLE_EQ(p.predict(r), 256);
  p.observe(r, 100);
  p.observe(r, 300);
  EXPECT_DOUBLE_EQ(p.predict(r), 200);
  r.tenant = 1;
  EXPECT_DOUBLE_EQ(p.predict(r), 256) << "history is per tenant";
}

TEST(OutputPredictors, NoisyOracleIsUnbiasedWithTheConfiguredSpread) {
  NoisyOraclePredictor exact(0.0, 1);
  const FairRequest r{0, 0, 10, 400, 0, false};
  EXPECT_DOUBLE_EQ(exact.predict(r), 400);
  NoisyOraclePredictor noisy(0.5, 1);
  double sum = 0;
  double sq = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double x = noisy.predict(r) / 400;
    sum += x;
    sq += x * x;
  }
  const double mean = sum / n;
  const double cv = std::sqrt(sq / n - mean * mean) / mean;
  EXPECT_NEAR(mean, 1.0, 0.02);
  EXPECT_NEAR(cv, 0.5, 0.03);
}

TEST(TenantWeights, ParsesListsAndRejectsBadEntries) {
  EXPECT_EQ(parse_tenant_weights("1, 2,0.5", "w").weights, (std::vector<double>{1, 2, 0.5}));
  EXPECT_TRUE(parse_tenant_weights("", "w").weights.empty());
  EXPECT_DOUBLE_EQ(parse_tenant_weights("3", "w").weight(5), 1.0);
  EXPECT_THROW(parse_tenant_weights("1,,2", "w"), ParamError);
  EXPECT_THROW(parse_tenant_weights("1,x", "w"), ParamError);
  EXPECT_THROW(parse_tenant_weights("0", "w"), ParamError);
}

}  // namespace
}  // namespace xpusim::policy
