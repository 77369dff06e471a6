// `xpusim run --requests-csv all|none|sample:N` end to end (docs/outputs.md, requests.csv).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <set>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::csv_rows;
using testing::run_xpusim;
using testing::slurp;

class RequestsCsv : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_reqcsv_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void TearDown() override { fs::remove_all(dir); }
  int run(const std::string& name, const std::string& mode) {
    return run_xpusim("-q run configs/quickstart.yaml --force --out " + (dir / name).string() +
                          " --requests-csv " + mode,
                      dir)
        .exit_code;
  }
};

// The documented rule, written out: SplitMix64 of the id (one step from state = id), mod N.
bool documented_sample(std::uint64_t id, std::uint64_t n) {
  std::uint64_t z = id + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) % n == 0;
}

// sample:4 keeps exactly the rows of `all` whose id the rule picks (about a quarter), unchanged
// and in the same order; summary.json does not depend on the mode.
TEST_F(RequestsCsv, SampleKeepsTheDocumentedRowsAndTheSummaryIsUnchanged) {
  ASSERT_EQ(run("all", "all"), 0);
  ASSERT_EQ(run("sample", "sample:4"), 0);
  const auto all = csv_rows(slurp(dir / "all" / "requests.csv"));
  const auto sampled = csv_rows(slurp(dir / "sample" / "requests.csv"));
  ASSERT_GT(all.size(), 100u);
  std::vector<std::vector<std::string>> expected{all.front()};  // the header
  for (std::size_t i = 1; i < all.size(); ++i)
    if (documented_sample(std::stoull(all[i][0]), 4)) expected.push_back(all[i]);
  EXPECT_EQ(sampled, expected);
  const double fraction = static_cast<double>(sampled.size() - 1) / static_cast<double>(all.size() - 1);
  EXPECT_GT(fraction, 0.15);
  EXPECT_LT(fraction, 0.35);
  EXPECT_EQ(slurp(dir / "all" / "summary.json"), slurp(dir / "sample" / "summary.json"));
}

// none writes no requests.csv and removes one left by an earlier run in the same directory.
TEST_F(RequestsCsv, NoneWritesNoFileAndRemovesAStaleOne) {
  ASSERT_EQ(run("out", "all"), 0);
  ASSERT_TRUE(fs::exists(dir / "out" / "requests.csv"));
  const std::string summary = slurp(dir / "out" / "summary.json");
  ASSERT_EQ(run("out", "none"), 0);
  EXPECT_FALSE(fs::exists(dir / "out" / "requests.csv"));
  EXPECT_EQ(slurp(dir / "out" / "summary.json"), summary);
}

TEST_F(RequestsCsv, BadModesAreUsageErrorsNamingTheChoices) {
  for (const std::string bad : {"sample:0", "sample:", "sample:x", "some", "sample:-3", "sample:4x"}) {
    const auto o = run_xpusim("-q run configs/quickstart.yaml --out " + (dir / "bad").string() +
                                  " --requests-csv " + bad,
                              dir);
    EXPECT_EQ(o.exit_code, 2) << bad;
    EXPECT_NE(o.err.find("expected all, none or sample:N"), std::string::npos) << bad << o.err;
  }
}

}  // namespace
}  // namespace xpusim::cli
