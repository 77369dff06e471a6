// Provenance and output safety through the real binary: --version, scenario.yaml (re-runnable,
// same summary.json), run.json, a non-empty --out refused without --force, the default
// timestamped folder, and the "results:" line.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <regex>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;
using testing::slurp;

class Provenance : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_prov_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::path src = fs::path(XPUSIM_SOURCE_DIR);
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

// The first match of `pattern` (one group) in `text`, or "".
std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string();
}

TEST_F(Provenance, OneVersionInCMakeChangelogVersionFlagAndRunJson) {
  const std::string cmake = first_match(slurp(src / "CMakeLists.txt"), R"(project\(xpusim VERSION ([0-9.]+))");
  // The newest release heading (## Unreleased is not a release).
  const std::string changelog = first_match(slurp(src / "CHANGELOG.md"), R"(\n## ([0-9]+\.[0-9]+\.[0-9]+))");
  ASSERT_FALSE(cmake.empty());
  EXPECT_EQ(cmake, changelog);
  const auto v = run_xpusim("--version", dir);
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("xpusim " + cmake + " (commit ", 0), 0u) << v.out;
  ASSERT_EQ(run_xpusim("-q run " + (src / "configs/quickstart.yaml").string() +
                           " --set workload.num_requests=20 --out out", dir, dir).exit_code, 0);
  const auto run = nlohmann::json::parse(slurp(dir / "out" / "run.json"));
  EXPECT_EQ(run.at("version"), cmake);
  EXPECT_EQ(run.at("seed"), 42);  // quickstart's
  EXPECT_GE(run.at("wall_s").get<double>(), 0.0);
  EXPECT_TRUE(std::regex_match(run.at("start_utc").get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  const std::vector<std::string> argv = run.at("command_line");
  ASSERT_EQ(argv.size(), 8u);
  EXPECT_EQ(argv[1], "-q");
  EXPECT_EQ(argv[5], "workload.num_requests=20");
  EXPECT_FALSE(run.at("host").get<std::string>().empty());
  EXPECT_FALSE(run.at("commit").get<std::string>().empty());
  // summary.json holds no provenance that changes from run to run.
  const auto summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  EXPECT_FALSE(summary.contains("wall_s"));
  EXPECT_FALSE(summary.contains("start_utc"));
}

// scenario.yaml, run from another directory, gives a byte-identical summary.json: for a plain
// serving scenario, one with disaggregation + prefix cache + a fault schedule (a list the
// resolved parameters do not hold), a mixed cluster (cluster.pools items and a link preset),
// and the other system kinds.
TEST_F(Provenance, ScenarioYamlRerunsToAByteIdenticalSummary) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"quickstart", " --set workload.num_requests=60 --set batching.policy=sarathi"},
      {"composed_pd_cache_faults", " --set horizon_s=30"},
      {"soc_agent_xpu", ""},
      {"moe_qwen3_training", ""},
      {"ina_jct", ""},
      {"mixed_pd", " --set workload.num_requests=100"},
      {"moe_offload_deepseek", ""}};
  for (const auto& [name, sets] : cases) {
    const fs::path a = dir / name / "a", b = dir / name / "b";
    const auto first = run_xpusim("-q run " + (src / "configs" / (name + ".yaml")).string() + sets +
                                      " --out " + a.string(), dir);
    ASSERT_EQ(first.exit_code, 0) << name << ": " << first.err;
    ASSERT_TRUE(fs::exists(a / "scenario.yaml")) << name;
    fs::create_directories(dir / "elsewhere");
    const auto again = run_xpusim("-q run " + (a / "scenario.yaml").string() + " --out " + b.string(),
                                  dir / "scratch", dir / "elsewhere");
    ASSERT_EQ(again.exit_code, 0) << name << ": " << again.err;
    const std::string sa = slurp(a / "summary.json"), sb = slurp(b / "summary.json");
    EXPECT_FALSE(sa.empty());
    EXPECT_EQ(sa, sb) << name << ": the re-run of scenario.yaml differs";
    EXPECT_EQ(slurp(a / "scenario.yaml"), slurp(b / "scenario.yaml")) << name;
  }
  // The fault schedule (a list) was carried into scenario.yaml.
  EXPECT_NE(slurp(dir / "composed_pd_cache_faults" / "a" / "scenario.yaml").find("schedule:"),
            std::string::npos);
}

TEST_F(Provenance, ANonEmptyOutNeedsForceAndAFailedForcedRunKeepsTheOldFiles) {
  const std::string run = "run " + (src / "configs/quickstart.yaml").string() +
                          " --set workload.num_requests=20 --out out";
  ASSERT_EQ(run_xpusim("-q " + run, dir / "scratch", dir).exit_code, 0);
  const std::string before = slurp(dir / "out" / "summary.json");
  const auto refused = run_xpusim(run + " --set seed=3", dir / "scratch", dir);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not empty"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  EXPECT_EQ(slurp(dir / "out" / "summary.json"), before);
  // A forced run that fails (a bad value) leaves the previous outputs as they were.
  const auto bad = run_xpusim("-q " + run + " --force --set workload.rate_per_s=-1", dir / "scratch", dir);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(slurp(dir / "out" / "summary.json"), before);
  // A forced run that completes replaces them.
  ASSERT_EQ(run_xpusim("-q " + run + " --force --set seed=3", dir / "scratch", dir).exit_code, 0);
  EXPECT_NE(slurp(dir / "out" / "summary.json"), before);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir / "out" / "run.json")).at("seed"), 3);
  // An empty existing folder is fine without --force.
  fs::create_directories(dir / "empty");
  EXPECT_EQ(run_xpusim("-q run " + (src / "configs/quickstart.yaml").string() +
                           " --set workload.num_requests=20 --out empty", dir / "scratch", dir).exit_code, 0);
}

TEST_F(Provenance, WithoutOutEachRunGetsItsOwnTimestampedFolderAndSaysWhere) {
  const std::string run = "run " + (src / "configs/quickstart.yaml").string() +
                          " --set workload.num_requests=20";
  const auto one = run_xpusim(run, dir / "scratch", dir);
  const auto two = run_xpusim(run, dir / "scratch", dir);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const std::string where_one = first_match(one.err, "results: (\\S+)");
  const std::string where_two = first_match(two.err, "results: (\\S+)");
  EXPECT_TRUE(std::regex_match(where_one, std::regex(R"(results/quickstart/\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d(-\d+)?)")))
      << where_one;
  EXPECT_NE(where_one, where_two);
  EXPECT_TRUE(fs::exists(dir / where_one / "summary.json"));
  EXPECT_TRUE(fs::exists(dir / where_two / "summary.json"));
  // -q: nothing but errors on stderr.
  EXPECT_EQ(run_xpusim("-q " + run + " --out q", dir / "scratch", dir).err, "");
}

}  // namespace
}  // namespace xpusim::cli
