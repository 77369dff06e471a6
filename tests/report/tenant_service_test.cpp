#include "xpusim/report/tenant_service.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

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


// Beyond TenantReportLimits::detail_tenants: the top tenants by service (CSV, per window) and by
// arrivals (summary), ties to the lower index, and one aggregate row / entry whose sums equal
// what the left-out tenants would have shown; the fairness figures still cover every tenant.
TEST(TenantServiceMetrics, ManyTenantsKeepTheTopOnesAndAnAggregate) {
  const int n = 10;
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("t" + std::to_string(i));
  std::ostringstream csv;
  TenantServiceMetrics m(names, ServicePricing{{}, 1, 2, 10}, &csv, TenantReportLimits{3, 1000});
  const TimeNs s = 1'000'000'000;
  // Tenant i arrives (i % 4) + 1 times and is served 10 * i input tokens: service order
  // 9 > 8 > 7 > ..., arrival counts 4 (i = 3, 7), 3 (i = 2, 6), ...
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < i % 4 + 1; ++k) m.on_arrival(arrival(i), 0);
    m.on_admitted(i, 10 * i, true, 1 * s);
  }
  const nlohmann::json j = m.summary(10 * s);
  // One window: rows for t7, t8, t9 (most service) and the rest, in index order.
  const std::string expected =
      std::string(TenantServiceMetrics::csv_header()) + "\n" +
      "10.000000000,t7,70.000,70.000,0,3\n"
      "10.000000000,t8,80.000,80.000,0,0\n"
      "10.000000000,t9,90.000,90.000,0,1\n"
      // t0..t6: service 0+10+...+60 = 210; none backlogged throughout (the window began before
      // any arrival); waiting (i % 4 + 1) - 1 summed over 0..6 = 0+1+2+3+0+1+2 = 9.
      "10.000000000,(other tenants),210.000,210.000,0,9\n";
  EXPECT_EQ(csv.str(), expected);
  // Summary: most arrivals are t3 and t7 (4 each), then t2 and t6 (3): t2 wins the tie.
  ASSERT_EQ(j["tenants"].size(), 3u);
  for (const char* name : {"t2", "t3", "t7"}) EXPECT_TRUE(j["tenants"].contains(name)) << name;
  const nlohmann::json& other = j["tenants_other"];
  EXPECT_EQ(other["tenants"], 7);
  // Arrivals over 0..9 are 1+2+3+4+1+2+3+4+1+2 = 23; shown 3+4+4 = 11.
  EXPECT_EQ(other["arrived"], 23 - 11);
  EXPECT_DOUBLE_EQ(other["service"].get<double>(), 450.0 - (20 + 30 + 70));
  EXPECT_DOUBLE_EQ(j["fairness"]["max_cumulative_gap"].get<double>(), 90.0);
}

// At or below the limit the output is every tenant and no aggregate (shipped configs).
TEST(TenantServiceMetrics, AtTheLimitEveryTenantIsShown) {
  std::ostringstream csv;
  TenantServiceMetrics m({"a", "b", "c"}, ServicePricing{{}, 1, 2, 10}, &csv,
                         TenantReportLimits{3, 1000});
  for (int i = 0; i < 3; ++i) m.on_arrival(arrival(i), 0);
  const nlohmann::json j = m.summary(10'000'000'000);
  EXPECT_EQ(j["tenants"].size(), 3u);
  EXPECT_FALSE(j.contains("tenants_other"));
  EXPECT_EQ(csv.str().find("other"), std::string::npos);
}

// Past the exact TTFT budget (all tenants together) every tenant's distribution is streaming
// and says so; before it, none does.
TEST(TenantServiceMetrics, TtftTurnsStreamingPastTheSampleBudget) {
  TenantServiceMetrics m({"a", "b"}, ServicePricing{}, nullptr, TenantReportLimits{256, 4});
  systems::RequestRecord r;
  r.arrival_ns = 0;
  r.finish_ns = 2'000'000'000;
  r.output_tokens = 2;
  for (int k = 0; k < 5; ++k) {
    r.tenant = k % 2;
    r.first_token_ns = 100'000'000 * (k + 1);
    m.on_arrival(arrival(r.tenant), 0);
    m.on_request_done(r);
    const nlohmann::json j = m.summary(3'000'000'000);
    for (const char* name : {"a", "b"})
      EXPECT_EQ(j["tenants"][name]["ttft_s"].contains("quantile_relative_error"), k >= 4)
          << "after " << k + 1 << " samples";
  }
}

}  // namespace
}  // namespace xpusim::report
