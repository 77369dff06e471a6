// `xpusim validate` makes every check `run` makes before simulating (issue 20), and
// `sweep --dry-run` lists the points and checks each one's scenario.
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;

const std::string kHead = "hardware: {preset: h100-sxm}\nmodel: {preset: llama-3-8b}\n";
const std::string kLoad = "workload: {source: synthetic, rate_per_s: 4, num_requests: 20}\n";

class ValidateLikeRun : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_validate_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  // validate's outcome, and that run reports the same first message.
  testing::Outcome validate(const std::string& yaml) {
    std::ofstream(dir / "s.yaml") << yaml;
    const auto v = run_xpusim("-q validate s.yaml", dir / "scratch", dir);
    const auto r = run_xpusim("-q run s.yaml --out out", dir / "scratch", dir);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(v.err.substr(0, v.err.find('\n')), r.err.substr(0, r.err.find('\n')));
    return v;
  }
};

TEST_F(ValidateLikeRun, ReportsWhatRunWouldBeforeSimulating) {
  const struct {
    std::string yaml, fragment;
  } cases[] = {
      {kHead + "workload: {source: trace, format: azure, path: missing.csv}\n", "cannot open trace file"},
      {kHead + "workload: {source: trace, format: azure, path: empty.csv}\n", "empty file"},
      {kHead + "workload: {source: trace, format: azure, path: bad.csv}\n", "is not an Azure trace header"},
      {kHead + kLoad + "cluster: {tensor_parallel: 3}\n", "do not split evenly over tensor_parallel = 3"},
      {"hardware: {preset: l4}\nmodel: {preset: llama-2-70b}\n" + kLoad, "model 'llama-2-70b' does not fit"},
      {kHead + "workload: {source: synthetic, rate_per_s: 1e-300}\n", "past the simulable 9.2e9 s"},
      {kHead + kLoad + "execution: {model: profile_table, table: no_such_profile.csv}\n", "no_such_profile.csv"},
  };
  std::ofstream(dir / "empty.csv");
  std::ofstream(dir / "bad.csv") << "a,b\n1,2\n";
  for (const auto& c : cases) {
    const auto v = validate(c.yaml);
    EXPECT_EQ(v.exit_code, 1) << c.yaml << v.out;
    EXPECT_NE(v.err.find(c.fragment), std::string::npos) << c.yaml << "\n" << v.err;
    EXPECT_FALSE(fs::exists(dir / "out" / "summary.json")) << "a failed run wrote outputs";
    fs::remove_all(dir / "out");
  }
}

TEST_F(ValidateLikeRun, AValidScenarioIsOkAndWritesNothing) {
  std::ofstream(dir / "s.yaml") << kHead << kLoad;
  const auto v = run_xpusim("-q validate s.yaml", dir / "scratch", dir);
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, "s.yaml: ok\n");
  EXPECT_FALSE(fs::exists(dir / "results"));  // no default output directory either
}

TEST_F(ValidateLikeRun, SweepDryRunListsEveryPointAndFindsATypoInAnAxis) {
  std::ofstream(dir / "s.yaml") << kHead << kLoad;
  std::ofstream(dir / "ok.yaml") << "base: s.yaml\naxes: {cluster.instances: [1, 2]}\nseeds: [1, 2]\n";
  auto o = run_xpusim("-q sweep ok.yaml --dry-run -o sw", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  const auto lines = testing::csv_rows(o.out);
  ASSERT_EQ(lines.size(), 4U) << o.out;  // 2 values x 2 seeds
  EXPECT_NE(o.out.find("--set cluster.instances=2"), std::string::npos) << o.out;
  EXPECT_FALSE(fs::exists(dir / "sw"));  // nothing run, nothing written
  std::ofstream(dir / "typo.yaml") << "base: s.yaml\naxes: {cluster.instancs: [1, 2]}\n";
  o = run_xpusim("-q sweep typo.yaml --dry-run -o sw", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("key 'cluster.instancs': unknown key"), std::string::npos) << o.err;
}

TEST_F(ValidateLikeRun, SweepAndRegressionFilesAreCheckedPointByPoint) {
  std::ofstream(dir / "s.yaml") << kHead << kLoad;
  std::ofstream(dir / "ok.yaml") << "base: s.yaml\naxes: {cluster.instances: [1, 2]}\n";
  // The second point alone is wrong: TP 3 does not divide Llama-3-8B's 32 heads.
  std::ofstream(dir / "bad.yaml") << "base: s.yaml\naxes: {cluster.tensor_parallel: [1, 3]}\n";
  std::ofstream(dir / "case.yaml")
      << "scenario: s.yaml\nset: {cluster.instances: 2}\n"
         "expect:\n  requests.completed: {value: 20, abs_tol: 0, reason: a count}\n";
  std::ofstream(dir / "bad_case.yaml")
      << "scenario: s.yaml\nset: {cluster.instancs: 2}\n"
         "expect:\n  requests.completed: {value: 20, abs_tol: 0, reason: a count}\n";
  auto o = run_xpusim("-q validate ok.yaml case.yaml", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "ok.yaml: ok\ncase.yaml: ok\n");
  o = run_xpusim("-q validate bad.yaml", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("bad.yaml: point "), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("tensor_parallel = 3"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("tensor_parallel = 1"), std::string::npos) << "only the bad point fails";
  o = run_xpusim("-q validate bad_case.yaml", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("key 'cluster.instancs': unknown key"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "results"));  // nothing run, nothing written
}

}  // namespace
}  // namespace xpusim::cli
