#include "xpusim/report/tenant_service.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace xpusim::report {
namespace {

workload::Request arrival(std::int32_t tenant) {
  workload::Request r;
  r.tenant = tenant;
  return r;
}

TEST(JainIndex, OneWhenEqualOneOverNWhenOneTakesAll) {
  EXPECT_DOUBLE_EQ(jain_index({3, 3, 3}), 1.0);
  EXPECT_DOUBLE_EQ(jain_index({5, 0, 0, 0}), 0.25);
  EXPECT_DOUBLE_EQ(jain_index({1, 3}), 16.0 / 20.0);
}

TEST(TenantServiceMetrics, PricesTokensAndDividesByTheTenantWeight) {
  TenantServiceMetrics m({"a", "b"}, ServicePricing{policy::TenantWeights{{1, 2}}, 1, 2, 10});
  m.on_arrival(arrival(1), 0);
  m.on_admitted(1, 100, true, 0);
  m.on_output_tokens(1, 10, 1);
  EXPECT_DOUBLE_EQ(m.service(1), (100 + 20) / 2.0);
  m.on_requeued(1, 2);
  m.on_admitted(1, 130, false, 3);  // re-admission after recompute: not charged again
  EXPECT_DOUBLE_EQ(m.service(1), 60);
  EXPECT_EQ(m.waiting(1), 0);
}

// Windows compare only tenants with requests waiting throughout (the first window starts
// before anything arrived, so compares nobody); the gap is max - min of their service within
// the window.
TEST(TenantServiceMetrics, WindowGapComparesTenantsBackloggedThroughout) {
  std::ostringstream csv;
  TenantServiceMetrics m({"a", "b", "c"}, ServicePricing{{}, 1, 2, 10}, &csv);
  const TimeNs s = 1'000'000'000;
  for (int i = 0; i < 3; ++i) m.on_arrival(arrival(0), 0);
  for (int i = 0; i < 3; ++i) m.on_arrival(arrival(1), 0);
  m.on_arrival(arrival(2), 0);
  // Window [0, 10): a and b stay backlogged, c's only request is admitted (c goes idle).
  m.on_admitted(0, 100, true, 1 * s);
  m.on_admitted(1, 40, true, 1 * s);
  m.on_admitted(2, 1000, true, 1 * s);
  m.on_output_tokens(0, 50, 2 * s);  // a: 100 + 100 = 200, b: 40
  // Window [10, 20): a 10, b 70.
  m.on_output_tokens(0, 5, 12 * s);
  m.on_output_tokens(1, 35, 12 * s);
  const nlohmann::json j = m.summary(20 * s);
  EXPECT_EQ(j["fairness"]["windows"], 2);
  EXPECT_EQ(j["fairness"]["windows_compared"], 1);
  EXPECT_DOUBLE_EQ(j["fairness"]["max_service_gap"].get<double>(), 60.0);
  EXPECT_DOUBLE_EQ(j["fairness"]["mean_service_gap"].get<double>(), 60.0);
  EXPECT_DOUBLE_EQ(j["fairness"]["max_cumulative_gap"].get<double>(), 1000.0 - 40.0);
  EXPECT_EQ(j["tenants"]["c"]["arrived"], 1);
  EXPECT_NE(csv.str().find("20.000000000,b,110.000,70.000,1,2\n"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("20.000000000,c,1000.000,0.000,0,0\n"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("10.000000000,c,1000.000,1000.000,0,0\n"), std::string::npos)
      << csv.str();
  EXPECT_NE(csv.str().find("10.000000000,a,200.000,200.000,0,2\n"), std::string::npos) << csv.str();
}

TEST(TenantServiceMetrics, PerTenantTtftAndThroughput) {
  TenantServiceMetrics m({"a"}, ServicePricing{});
  systems::RequestRecord r;
  r.tenant = 0;
  r.arrival_ns = 0;
  r.first_token_ns = 500'000'000;
  r.finish_ns = 1'000'000'000;
  r.output_tokens = 40;
  m.on_arrival(arrival(0), 0);
  m.on_admitted(0, 10, true, 0);
  m.on_request_done(r);
  const nlohmann::json j = m.summary(2'000'000'000);
  EXPECT_DOUBLE_EQ(j["tenants"]["a"]["ttft_s"]["p50"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["tenants"]["a"]["output_tokens_per_s"].get<double>(), 20.0);
  EXPECT_TRUE(j["fairness"]["max_service_gap"].is_null()) << "one tenant: nothing to compare";
}

}  // namespace
}  // namespace xpusim::report
