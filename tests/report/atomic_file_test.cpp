#include "xpusim/report/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "xpusim/core/error.hpp"

namespace xpusim::report {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xpusim_atomic_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  fs::path dir_;
};

TEST_F(AtomicFileTest, UncommittedLeavesNothing) {
  const fs::path target = dir_ / "summary.json";
  {
    AtomicFile f(target);
    f.stream() << "half a file";
    EXPECT_TRUE(fs::exists(f.temp_path()));
    EXPECT_FALSE(fs::exists(target));
  }
  EXPECT_FALSE(fs::exists(target));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(AtomicFileTest, CommittedFileIsCompleteAndTempIsGone) {
  const fs::path target = dir_ / "requests.csv";
  std::string expected;
  for (int i = 0; i < 100000; ++i) expected += "row " + std::to_string(i) + "\n";
  {
    AtomicFile f(target);
    f.stream() << expected;
    EXPECT_FALSE(fs::exists(target));  // not visible until commit
    f.commit();
    EXPECT_TRUE(f.committed());
  }
  EXPECT_EQ(slurp(target), expected);
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, CommitReplacesAnOldFile) {
  const fs::path target = dir_ / "devices.csv";
  std::ofstream(target) << "old";
  AtomicFile f(target);
  f.stream() << "new";
  EXPECT_EQ(slurp(target), "old");
  f.commit();
  EXPECT_EQ(slurp(target), "new");
}

TEST_F(AtomicFileTest, MissingDirectoryThrowsErrorNamingPath) {
  const fs::path target = dir_ / "no_such_dir" / "summary.json";
  try {
    AtomicFile f(target);
    FAIL() << "expected xpusim::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
}

TEST_F(AtomicFileTest, DoubleCommitIsAnInvariantViolation) {
  AtomicFile f(dir_ / "x.txt");
  f.commit();
  EXPECT_THROW(f.commit(), InvariantError);
}

}  // namespace
}  // namespace xpusim::report
