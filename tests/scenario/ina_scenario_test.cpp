// The `ina` system kind end to end: ESA's claimed direction over its baselines on the scenario
// written down in configs/ina_multi_job.yaml, validation messages and reproducibility.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

nlohmann::json run_ina(const std::vector<std::string>& sets, const fs::path& out = {}) {
  const Catalogs catalogs = build_catalogs();
  const auto loaded = load_any_scenario("configs/ina_multi_job.yaml", sets, catalogs);
  RunOptions options;
  options.out_dir = out;
  return loaded->run(options).summary;
}

double avg_jct(const std::string& policy) {
  const auto s = run_ina({"switch_memory.policy=" + policy});
  EXPECT_EQ(s["jobs"]["unfinished"], 0) << policy;
  return s["jct_s"]["mean"].get<double>();
}

// ESA (arXiv 2201.06398) claims a lower average JCT than ATP and SwitchML-style pools (up to
// 1.35x). Demand a clear margin (5%) over each, so a regression that removes preemption fails.
TEST(InaScenario, EsaLowersAverageJctVersusAtpAndStaticPools) {
  const double esa = avg_jct("esa"), atp = avg_jct("atp"), pool = avg_jct("static_pool");
  EXPECT_LT(esa * 1.05, atp) << "esa " << esa << " s vs atp " << atp << " s";
  EXPECT_LT(esa * 1.05, pool) << "esa " << esa << " s vs static_pool " << pool << " s";
}

// ESA's mechanism: more of the traffic is aggregated in the switch, less falls back.
TEST(InaScenario, EsaAggregatesMoreInTheSwitchThanAtp) {
  const auto esa = run_ina({"switch_memory.policy=esa"});
  const auto atp = run_ina({"switch_memory.policy=atp"});
  EXPECT_GT(esa["traffic"]["in_switch_fraction"].get<double>(),
            atp["traffic"]["in_switch_fraction"].get<double>());
  EXPECT_LT(esa["traffic"]["fallback_bytes"].get<double>(),
            atp["traffic"]["fallback_bytes"].get<double>());
  EXPECT_GT(esa["traffic"]["evicted_partials"].get<std::int64_t>(), 0);
  EXPECT_EQ(atp["traffic"]["evicted_partials"].get<std::int64_t>(), 0);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(InaScenario, SameSeedGivesByteIdenticalOutputs) {
  const fs::path a = fs::temp_directory_path() / "xpusim_ina_a",
                 b = fs::temp_directory_path() / "xpusim_ina_b";
  fs::remove_all(a);
  fs::remove_all(b);
  run_ina({}, a);
  run_ina({}, b);
  for (const char* f : {"summary.json", "jobs.csv", "switch_memory.csv"}) {
    ASSERT_TRUE(fs::exists(a / f)) << f;
    EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  }
  const auto summary = nlohmann::json::parse(slurp(a / "summary.json"));
  EXPECT_EQ(summary["scenario"]["scenario"]["system"], "ina");
  EXPECT_EQ(summary["seed"], 1);
  EXPECT_EQ(summary["scenario"]["switch"]["name"], "tofino");
}

TEST(InaScenario, HorizonStopsSimulatedTime) {
  const auto s = run_ina({"horizon_s=0.005"});
  EXPECT_LE(s["simulated_s"].get<double>(), 0.005);
  EXPECT_GT(s["jobs"]["unfinished"].get<int>(), 0);
}

std::vector<std::string> errors_of(const std::string& text) {
  const Catalogs catalogs = build_catalogs();
  Diagnostics diag;
  try {
    load_any_scenario(YamlDocument::parse(text, "i.yaml"), diag, catalogs);
  } catch (const ScenarioError& e) {
    return e.messages();
  }
  return {};
}

TEST(InaScenario, BadInputNamesFileLineKeyAndExpectation) {
  auto e = errors_of("system: ina\nswitch: {preset: tofino}\nswitch_memory: {policy: lru}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(
      e[0].find("i.yaml:3:25: key 'switch_memory.policy': unknown switch-memory policy 'lru'"),
      std::string::npos)
      << e[0];
  EXPECT_NE(e[0].find("esa"), std::string::npos);
  e = errors_of("system: ina\nswitch: {preset: tofino, aggregator_memory_kb: 0.1}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("key 'switch.aggregator_memory_kb'"), std::string::npos) << e[0];
  e = errors_of(
      "system: ina\nswitch: {preset: tofino}\nworkload: {gradient_mb_min: 3, gradient_mb_max: 2, "
      "wrkers: 3}\n");
  ASSERT_EQ(e.size(), 1u);  // the unknown key; range checks wait until the section reads cleanly
  EXPECT_NE(e[0].find("i.yaml:3:52: key 'workload.wrkers': unknown key"), std::string::npos)
      << e[0];
  e = errors_of(
      "system: ina\nswitch: {preset: tofino}\nworkload: {gradient_mb_min: 3, gradient_mb_max: "
      "2}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("key 'workload.gradient_mb_max'"), std::string::npos) << e[0];
  e = errors_of("system: ina\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("key 'switch': missing section"), std::string::npos) << e[0];
}

TEST(InaScenario, ExplicitJobListRunsThoseJobs) {
  const Catalogs catalogs = build_catalogs();
  Diagnostics diag;
  const auto doc = YamlDocument::parse(
      "system: ina\nswitch: {preset: tofino, aggregator_memory_kb: 16}\nswitch_memory: {policy: "
      "esa}\n"
      "workload:\n  compute_jitter: 0\n  jobs:\n"
      "    - {gradient_mb: 0.1, iterations: 2, workers: 4, compute_ms: 1}\n"
      "    - {gradient_mb: 0.2, iterations: 3, workers: 2, compute_ms: 1, arrival_s: 0.001}\n",
      "l.yaml");
  const auto s = load_any_scenario(doc, diag, catalogs)->run({}).summary;
  EXPECT_EQ(s["jobs"]["completed"], 2);
  // 0.1 MB = 391 packets of 256 B x 4 workers x 2 iterations, 0.2 MB = 782 x 2 x 3.
  EXPECT_EQ(s["traffic"]["worker_packets"], 391 * 4 * 2 + 782 * 2 * 3);
  EXPECT_EQ(s["scenario"]["workload.jobs[1]"]["arrival_s"], 0.001);
  EXPECT_FALSE(s["scenario"]["workload"].contains("count"));
}

TEST(InaScenario, JobListRejectsGeneratorKeysAndBadEntries) {
  auto e = errors_of(
      "system: ina\nswitch: {preset: tofino}\nworkload:\n  count: 3\n  jobs:\n"
      "    - {gradient_mb: 1}\n    - {iterations: 2}\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_NE(
      e[0].find("i.yaml:4:10: key 'workload.count': not used when workload.jobs lists the jobs"),
      std::string::npos)
      << e[0];
  EXPECT_NE(e[1].find("key 'workload.jobs[1].gradient_mb'"), std::string::npos) << e[1];
}

}  // namespace
}  // namespace xpusim::scenario
