// `xpusim regress`: the committed cases pass, a broken policy is caught with old vs new
// numbers, and --update rewrites the expectations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;
using testing::slurp;

class Regress : public ::testing::Test {
 protected:
  fs::path dir =
      fs::temp_directory_path() / ("xpusim_regress_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

// The suite's regression check: every committed case within its tolerance.
TEST_F(Regress, CommittedCasesAreWithinTolerance) {
  const auto o = run_xpusim("regress tests/regression", dir);
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("regression cases within tolerance"), std::string::npos) << o.out;
}

// A Sarathi whose token budget no longer bounds the prefill work of an iteration (what a bug in
// its budget accounting would do) stalls decodes behind whole prompts again: the case must fail
// on the tail TBT, saying expected vs got.
TEST_F(Regress, CatchesABrokenSarathiBudget) {
  const auto o = run_xpusim(
      "regress tests/regression/batching_sarathi.yaml --set batching.chunk_size=8192", dir);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("FAIL tests/regression/batching_sarathi.yaml"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("FAIL tbt_s.p99: expected "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find(", got "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("run `xpusim regress --update`"), std::string::npos) << o.out;
}

TEST_F(Regress, UpdateRewritesTheExpectationsThenTheyPass) {
  const fs::path c = dir / "case.yaml";
  std::ofstream(c) << "scenario: " << XPUSIM_SOURCE_DIR << "/configs/quickstart.yaml\n"
                   << "set: {workload.num_requests: 40}\n"
                   << "expect:\n"
                   << "  requests.completed: {value: 39, abs_tol: 0, reason: \"exact count\"}\n"
                   << "  ttft_s.p99: {value: 1000, rel_tol: 0.02, reason: \"tail sample\"}\n";
  EXPECT_EQ(run_xpusim("regress " + c.string(), dir).exit_code, 1);
  const auto u = run_xpusim("regress --update " + c.string(), dir);
  ASSERT_EQ(u.exit_code, 0) << u.out << u.err;
  EXPECT_NE(u.out.find("FAIL requests.completed: expected 39 ± 0, got 40"), std::string::npos)
      << u.out;
  const std::string text = slurp(c);
  EXPECT_NE(text.find("requests.completed: {value: 40, abs_tol: 0"), std::string::npos) << text;
  EXPECT_NE(text.find("reason: \"tail sample\""), std::string::npos) << text;
  const auto again = run_xpusim("regress " + c.string(), dir);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_F(Regress, BadCaseFileIsAnInputError) {
  const fs::path c = dir / "bad.yaml";
  std::ofstream(c) << "scenario: q.yaml\nexpect: {a: {value: 1, rel_tol: 0.1}}\n";
  const auto o = run_xpusim("regress " + c.string(), dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("bad.yaml:2:13: key 'expect.a.reason': missing"), std::string::npos)
      << o.err;
}

}  // namespace
}  // namespace xpusim::cli
