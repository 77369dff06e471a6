#include "xpusim/report/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
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


// commit_together: all of a run's files or none. A rename is made to fail by a non-empty
// directory standing where the previous b.csv must be moved aside (rename(2) cannot replace
// one); the files already moved must be put back as they were.
class CommitTogetherTest : public AtomicFileTest {
 protected:
  void write_old_run() {
    std::ofstream(dir_ / "a.csv") << "old a";
    std::ofstream(dir_ / "summary.json") << "old summary";
  }
  // Every entry of the directory with its content ("<dir>" for a directory).
  std::map<std::string, std::string> listing() const {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir_))
      out[e.path().filename().string()] = e.is_directory() ? "<dir>" : slurp(e.path());
    return out;
  }
};

TEST_F(CommitTogetherTest, AllFilesAppearTogetherAndOldVersionsAreGone) {
  write_old_run();
  {
    AtomicFile a(dir_ / "a.csv"), b(dir_ / "b.csv"), s(dir_ / "summary.json");
    a.stream() << "new a";
    b.stream() << "new b";
    s.stream() << "new summary";
    commit_together({&a, &b, &s});
    EXPECT_TRUE(a.committed() && b.committed() && s.committed());
  }
  const std::map<std::string, std::string> want = {
      {"a.csv", "new a"}, {"b.csv", "new b"}, {"summary.json", "new summary"}};
  EXPECT_EQ(listing(), want);  // no .tmp. or .old. files left
}

TEST_F(CommitTogetherTest, AFailedRenameRestoresThePreviousRun) {
  write_old_run();
  std::ofstream(dir_ / "b.csv") << "old b";
  fs::create_directories(dir_ / ("b.csv.old." + std::to_string(::getpid())) / "occupied");
  const auto before = listing();
  {
    AtomicFile a(dir_ / "a.csv"), b(dir_ / "b.csv"), s(dir_ / "summary.json");
    a.stream() << "new a";
    b.stream() << "new b";
    s.stream() << "new summary";
    try {
      commit_together({&a, &b, &s});
      FAIL() << "expected xpusim::Error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("b.csv"), std::string::npos) << e.what();
    }
  }  // the uncommitted files' destructors remove their temporaries
  EXPECT_EQ(listing(), before);
}

TEST_F(CommitTogetherTest, AFailedWriteTouchesNothing) {
  write_old_run();
  const auto before = listing();
  {
    AtomicFile a(dir_ / "a.csv"), s(dir_ / "summary.json");
    a.stream() << "new a";
    s.stream().setstate(std::ios::badbit);  // as a full disk leaves the stream
    EXPECT_THROW(commit_together({&a, &s}), Error);
  }
  EXPECT_EQ(listing(), before);
}

}  // namespace
}  // namespace xpusim::report
