// DVFS end to end: a serving GPU's locked clock (hardware.sm_clock_mhz) and the SoC's DVFS
// governors (dvfs section) on the shipped scenarios; the defaults leave every output unchanged.
#include <gtest/gtest.h>

#include "scenario/scenario_run_helpers.hpp"

namespace xpusim::scenario {
namespace {

using testing::load_error;
using testing::run_summary;

nlohmann::json without_scenario(nlohmann::json j) {
  j.erase("scenario");
  return j;
}

// Locking the clock at the boost clock (ratio exactly 1) takes the new code path with factors
// of exactly 1: every metric must come out byte for byte as with no clock set.
TEST(ServingLockedClock, AtTheBoostClockEveryMetricIsByteIdenticalToNoClock) {
  const std::vector<std::string> short_run{"workload.num_requests=300"};
  auto locked = short_run;
  locked.push_back("hardware.sm_clock_mhz=1830");
  EXPECT_EQ(without_scenario(run_summary("configs/quickstart.yaml", short_run)).dump(),
            without_scenario(run_summary("configs/quickstart.yaml", locked)).dump());
}

TEST(ServingLockedClock, ALowerClockRaisesTtftAndLowersEnergyPerToken) {
  const std::vector<std::string> base{"workload.num_requests=300"};
  auto locked = base;
  locked.push_back("hardware.sm_clock_mhz=1200");
  const auto a = run_summary("configs/quickstart.yaml", base);
  const auto b = run_summary("configs/quickstart.yaml", locked);
  EXPECT_GT(b["ttft_s"]["mean"].get<double>(), a["ttft_s"]["mean"].get<double>());
  EXPECT_LT(b["energy"]["j_per_output_token"].get<double>(),
            a["energy"]["j_per_output_token"].get<double>());
}

TEST(ServingLockedClock, BadClocksAreReportedAtTheirKey) {
  EXPECT_NE(load_error("configs/quickstart.yaml", {"hardware.sm_clock_mhz=2000"})
                .find("exceeds boost_clock_mhz"),
            std::string::npos);
  EXPECT_NE(load_error("configs/quickstart.yaml",
                       {"hardware.sm_clock_mhz=1000", "hardware.boost_clock_mhz=0"})
                .find("sm_clock_mhz needs boost_clock_mhz"),
            std::string::npos);
  EXPECT_NE(load_error("configs/soc_agent_xpu.yaml", {"soc.npu_dvfs_levels=0.5:0.7"})
                .find("the last level must be 1:1"),
            std::string::npos);
}

const std::vector<std::string> kSoc{"horizon_s=120", "workload.duration_s=120"};

std::vector<std::string> soc_with(std::vector<std::string> extra) {
  auto out = kSoc;
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

TEST(SocDvfsScenario, TheMaxGovernorIsTheDefaultAndReportsNoLevels) {
  const auto a = run_summary("configs/soc_agent_xpu.yaml", kSoc);
  const auto b = run_summary("configs/soc_agent_xpu.yaml", soc_with({"dvfs.policy=max"}));
  EXPECT_EQ(without_scenario(a).dump(), without_scenario(b).dump());
  EXPECT_FALSE(a.contains("dvfs"));
}

// Lunar Lake preset, Agent.xpu, 120 s: locking every engine at 0.4 of its clock slows the
// compute-bound NPU prefill (TTFT up) and cuts energy; decode is memory-bound, so E2E moves less
// than TTFT. The slack governor keeps reactive TTFT within its 1 s target with less energy than
// the top clock.
TEST(SocDvfsScenario, LowerClocksTradeLatencyForEnergyAndSlackKeepsTheTarget) {
  const auto top = run_summary("configs/soc_agent_xpu.yaml", kSoc);
  const auto low =
      run_summary("configs/soc_agent_xpu.yaml", soc_with({"dvfs.policy=fixed", "dvfs.clock=0.4"}));
  const auto slack = run_summary("configs/soc_agent_xpu.yaml", soc_with({"dvfs.policy=slack"}));
  const auto ttft = [](const nlohmann::json& j) { return j["reactive"]["ttft_s"]["mean"].get<double>(); };
  const auto energy = [](const nlohmann::json& j) { return j["energy"]["total_j"].get<double>(); };
  EXPECT_GT(ttft(low), 1.5 * ttft(top));
  EXPECT_LT(energy(low), energy(top));
  EXPECT_LT(energy(slack), energy(top));
  EXPECT_LT(slack["reactive"]["ttft_s"]["max"].get<double>(), 1.0);
  // The level report: at the fixed clock everything ran at the slowest level of each engine.
  const auto& igpu = low["dvfs"]["igpu"];
  ASSERT_EQ(igpu.size(), 4u);
  EXPECT_GT(igpu[0]["busy_s"].get<double>(), 0);
  EXPECT_EQ(igpu[3]["busy_s"].get<double>(), 0);
  EXPECT_NEAR(igpu[0]["busy_power_w"].get<double>(), 0.5 + 14.5 * 0.4 * 0.7 * 0.7, 1e-9);
}

}  // namespace
}  // namespace xpusim::scenario
