// End-to-end tests of the command line: determinism, configs, errors, outputs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;
using testing::slurp;

class Cli : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_cli_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(Cli, SameScenarioAndSeedGiveByteIdenticalOutputs) {
  const std::string args = " --set workload.num_requests=400 --timeline";
  ASSERT_EQ(run_xpusim("-q run configs/quickstart.yaml --out " + (dir / "a").string() + args, dir).exit_code, 0);
  ASSERT_EQ(run_xpusim("-q run configs/quickstart.yaml --out " + (dir / "b").string() + args, dir).exit_code, 0);
  for (const char* f : {"summary.json", "requests.csv", "devices.csv", "timeline.json"}) {
    const std::string a = slurp(dir / "a" / f), b = slurp(dir / "b" / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_EQ(a, b) << f << " differs between identical runs";
  }
  // A different seed must change the results (the seed reaches the workload).
  ASSERT_EQ(run_xpusim("-q run configs/quickstart.yaml --set seed=7 --out " + (dir / "c").string() + args, dir).exit_code, 0);
  EXPECT_NE(slurp(dir / "a" / "requests.csv"), slurp(dir / "c" / "requests.csv"));
}

TEST_F(Cli, SummaryHasEveryPromisedMetricAndConservesRequests) {
  ASSERT_EQ(run_xpusim("-q run configs/quickstart.yaml --set workload.num_requests=300 --out " +
                           (dir / "s").string(), dir).exit_code, 0);
  const auto j = nlohmann::json::parse(slurp(dir / "s" / "summary.json"));
  for (const char* k : {"ttft_s", "tbt_s", "tpot_s", "e2e_s"})
    for (const char* q : {"mean", "p50", "p90", "p99", "max"}) EXPECT_TRUE(j[k].contains(q)) << k << "." << q;
  for (const char* k : {"throughput", "requests", "energy", "utilization", "goodput", "scenario", "seed"})
    EXPECT_TRUE(j.contains(k)) << k;
  const auto& r = j["requests"];
  EXPECT_EQ(r["arrived"].get<int>(), 300);
  EXPECT_EQ(r["completed"].get<int>() + r["rejected"].get<int>(), 300);
  EXPECT_EQ(r["unfinished"].get<int>(), 0);
  EXPECT_GT(j["energy"]["total_j"].get<double>(), 0);
  EXPECT_EQ(j["scenario"]["batching"]["max_num_seqs"].get<int>(), 256);  // resolved default
  // requests.csv: header + one row per request.
  const std::string csv = slurp(dir / "s" / "requests.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 301);
}

TEST_F(Cli, BadInputGivesOneClearMessageAndLeavesNoOutputs) {
  std::ofstream(dir / "bad.yaml") << "hardware: {preset: h100-sxm}\nmodel: {preset: llama-3-8b}\n"
                                     "workload: {source: synthetic, rate_per_s: 4, rate: 5}\n";
  const auto o = run_xpusim("run " + (dir / "bad.yaml").string() + " --out " + (dir / "o").string(), dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("bad.yaml:3:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("workload.rate"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "o" / "summary.json"));
  const auto missing = run_xpusim("run " + (dir / "nope.yaml").string(), dir);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.yaml: cannot read file"), std::string::npos) << missing.err;
}

TEST_F(Cli, ValidateChecksEveryFileAndListShowsDeclarations) {
  std::ofstream(dir / "bad.yaml") << "seed: -3\nhardware: {preset: h100-sxm}\n";
  const auto o = run_xpusim("validate configs/quickstart.yaml " + (dir / "bad.yaml").string(), dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.out.find("quickstart.yaml: ok"), std::string::npos);
  EXPECT_NE(o.err.find("key 'seed'"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("missing section"), std::string::npos) << o.err;
  const auto l = run_xpusim("list", dir);
  EXPECT_EQ(l.exit_code, 0);
  for (const char* s : {"vllm", "round_robin", "least_outstanding", "max_num_seqs", "synthetic",
                        "roofline", "h100-sxm", "llama-3-8b"})
    EXPECT_NE(l.out.find(s), std::string::npos) << s;
}

// Every scenario shipped in configs/ validates and runs (shortened).
TEST_F(Cli, EveryShippedScenarioRuns) {
  int count = 0;
  for (const auto& e : fs::recursive_directory_iterator("configs")) {
    const fs::path p = e.path();
    if (p.extension() != ".yaml") continue;
    const std::string parent = p.parent_path().filename().string();
    // Presets (hardware, models, engines; the section presets workloads, batching, clusters,
    // slo) and sweep files (inputs of `xpusim sweep`) are not scenarios.
    if (parent == "hardware" || parent == "models" || parent == "engines" || parent == "sweeps" ||
        parent == "workloads" || parent == "batching" || parent == "clusters" || parent == "slo")
      continue;
    ++count;
    const auto v = run_xpusim("validate " + p.string(), dir);
    EXPECT_EQ(v.exit_code, 0) << p << ": " << v.err;
    const auto r = run_xpusim("-q run " + p.string() + " --set horizon_s=30 --out " +
                                  (dir / p.stem()).string(), dir);
    EXPECT_EQ(r.exit_code, 0) << p << ": " << r.err;
    EXPECT_TRUE(fs::exists(dir / p.stem() / "summary.json")) << p;
  }
  EXPECT_GE(count, 1);
}

}  // namespace
}  // namespace xpusim::cli
