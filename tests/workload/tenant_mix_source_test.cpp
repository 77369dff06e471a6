#include "xpusim/workload/tenant_mix_source.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "test_files.hpp"
#include "xpusim/workload/trace_source.hpp"

namespace xpusim::workload {
namespace {

TenantMixSource::Config config_of(std::map<std::string, ParamValue> given) {
  return TenantMixSource::binding().from(given);
}

std::vector<Request> drain(RequestSource& s) {
  std::vector<Request> out;
  while (auto r = s.next()) out.push_back(*r);
  return out;
}

// VTC's overload case: evenly spaced arrivals at each tenant's rate, in arrival order.
TEST(TenantMixSource, UniformArrivalsAtEachTenantsRate) {
  TenantMixSource src(config_of({{"rates_per_s", std::string("1.5, 3")}, {"duration_s", 60.0}}), 1);
  const auto rs = drain(src);
  std::int64_t n0 = 0, n1 = 0;
  TimeNs last = 0;
  for (const auto& r : rs) {
    EXPECT_GE(r.arrival_ns, last);
    last = r.arrival_ns;
    (r.tenant == 0 ? n0 : n1) += 1;
    EXPECT_EQ(r.prompt_tokens, 256);
    EXPECT_EQ(r.output_tokens, 256);
  }
  // k = 1.. with (offset + k) / rate < 60: 89 or 90 and 179 or 180 depending on the offset.
  EXPECT_NEAR(n0, 90, 1);
  EXPECT_NEAR(n1, 180, 1);
  EXPECT_EQ(src.tenants(), (std::vector<std::string>{"t0", "t1"}));
  for (std::size_t i = 0; i < rs.size(); ++i) EXPECT_EQ(rs[i].id, i);
}

TEST(TenantMixSource, OnOffTenantIsSilentInItsOddPeriods) {
  TenantMixSource src(config_of({{"rates_per_s", std::string("2,2")},
                                 {"duration_s", 240.0},
                                 {"on_off_s", std::string("60,0")}}),
                      3);
  std::int64_t off_arrivals = 0, t0 = 0, t1 = 0;
  for (const auto& r : drain(src)) {
    const double s = ns_to_seconds(r.arrival_ns);
    if (r.tenant == 0) {
      ++t0;
      off_arrivals += static_cast<std::int64_t>(std::floor(s / 60)) % 2 == 1;
    } else {
      ++t1;
    }
  }
  EXPECT_EQ(off_arrivals, 0);
  EXPECT_NEAR(t0, 240, 2);
  EXPECT_NEAR(t1, 480, 2);
}

// VTC's distribution shift: three equal phases with their own rates.
TEST(TenantMixSource, PhasesChangeTheRates) {
  TenantMixSource src(config_of({{"rates_per_s", std::string("0,2; 1,0; 3,3")},
                                 {"duration_s", 30.0},
                                 {"arrival", std::string("poisson")},
                                 {"prompt_tokens", std::string("10-20, 5")}}),
                      4);
  std::int64_t count[3][2] = {};
  for (const auto& r : drain(src)) {
    const auto phase = static_cast<int>(ns_to_seconds(r.arrival_ns) / 10);
    ++count[phase][r.tenant];
    if (r.tenant == 0) {
      EXPECT_GE(r.prompt_tokens, 10);
      EXPECT_LE(r.prompt_tokens, 20);
    } else {
      EXPECT_EQ(r.prompt_tokens, 5);
    }
  }
  EXPECT_EQ(count[0][0], 0);
  EXPECT_EQ(count[1][1], 0);
  EXPECT_GT(count[0][1], 5);
  EXPECT_GT(count[1][0], 2);
  EXPECT_GT(count[2][0], 15);
  EXPECT_GT(count[2][1], 15);
}

TEST(TenantMixSource, MalformedListsNameTheKey) {
  auto key_of = [](std::map<std::string, ParamValue> given) {
    given.emplace("duration_s", 10.0);
    try {
      config_of(given);
    } catch (const ParamError& e) {
      return e.key();
    }
    return std::string("none");
  };
  EXPECT_EQ(key_of({{"rates_per_s", std::string("1,x")}}), "rates_per_s");
  EXPECT_EQ(key_of({{"rates_per_s", std::string("1,2; 3")}}), "rates_per_s");
  EXPECT_EQ(key_of({{"rates_per_s", std::string("1,2")}, {"prompt_tokens", std::string("1,2,3")}}),
            "prompt_tokens");
  EXPECT_EQ(key_of({{"rates_per_s", std::string("1")}, {"output_tokens", std::string("9-3")}}),
            "output_tokens");
  EXPECT_EQ(key_of({{"rates_per_s", std::string("1")}, {"on_off_s", std::string("-1")}}),
            "on_off_s");
}

TEST(TraceSource, SessionHashAssignsEachSessionOneTenant) {
  testing::TempDir dir;
  std::string csv = "arrival_s,prompt_tokens,output_tokens,tenant,session\n";
  for (int i = 0; i < 200; ++i)
    csv += std::to_string(i) + ",10,10,alice," + std::to_string(1 + i % 20) + "\n";
  TraceSource::Config c;
  c.path = dir.write("s.csv", csv);
  c.format = TraceFormat::Xpusim;
  c.tenant_by = TraceSource::Config::TenantBy::SessionHash;
  c.hash_tenants = 4;
  TraceSource src(c);
  EXPECT_EQ(src.tenants().size(), 4u);
  std::map<std::int64_t, std::int32_t> tenant_of_session;
  std::set<std::int32_t> used;
  for (const auto& r : drain(src)) {
    const auto [it, fresh] =
        tenant_of_session.emplace(static_cast<std::int64_t>(r.session), r.tenant);
    EXPECT_EQ(it->second, r.tenant) << "session " << r.session;
    used.insert(r.tenant);
  }
  EXPECT_GE(used.size(), 3u) << "20 sessions spread over most of 4 tenants";
}

}  // namespace
}  // namespace xpusim::workload
