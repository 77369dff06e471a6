// Run guards end to end (docs/errors.md): a run stopped by a limit or a signal exits with its
// documented code, says why, and leaves no output file — not even a temporary one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;

class Guards : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_guards_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  bool out_dir_empty() const {
    return !fs::exists(dir / "out") || fs::directory_iterator(dir / "out") == fs::directory_iterator();
  }
};

// A run long enough (millions of events) that every guard fires well before it ends.
const std::string kLong = "-q run configs/quickstart.yaml --set workload.num_requests=1000000 ";

TEST_F(Guards, MaxWallStopsWithExitFourAndNoFiles) {
  const auto o = run_xpusim(kLong + "--max-wall-s 0.3 --out " + (dir / "out").string(), dir);
  EXPECT_EQ(o.exit_code, 4) << o.err;
  EXPECT_NE(o.err.find("run stopped by --max-wall-s"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("no output files were written"), std::string::npos) << o.err;
  EXPECT_TRUE(out_dir_empty());
}

TEST_F(Guards, MaxEventsStopsAtTheLimit) {
  const auto o = run_xpusim(kLong + "--max-events 12345 --out " + (dir / "out").string(), dir);
  EXPECT_EQ(o.exit_code, 4) << o.err;
  EXPECT_NE(o.err.find("reached 12345 events at simulated"), std::string::npos) << o.err;
  EXPECT_TRUE(out_dir_empty());
}

// SIGINT and SIGTERM: the loop stops at its next poll, temporaries are removed, exit 128 + N.
void expect_clean_interrupt(const fs::path& dir, int sig, int expected_exit) {
  const fs::path out = dir / "out", err = dir / "err.txt";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string cmd = std::string(XPUSIM_BINARY) + " " + kLong + "--out " + out.string() +
                            " 2>" + err.string() + " >/dev/null";
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the run is under way (its temporary requests.csv exists), then signal it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool started = false;
  while (!started && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (fs::exists(out))
      for (const auto& e : fs::directory_iterator(out))
        started = started || e.path().filename().string().find(".tmp.") != std::string::npos;
  }
  ASSERT_TRUE(started) << "the run never started writing";
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by the signal instead of stopping cleanly";
  EXPECT_EQ(WEXITSTATUS(status), expected_exit);
  const std::string msg = testing::slurp(err);
  EXPECT_NE(msg.find(sig == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM"), std::string::npos) << msg;
  EXPECT_EQ(fs::directory_iterator(out), fs::directory_iterator()) << "files left in " << out;
}

TEST_F(Guards, SigintLeavesNoFilesAndExits130) { expect_clean_interrupt(dir, SIGINT, 130); }
TEST_F(Guards, SigtermLeavesNoFilesAndExits143) { expect_clean_interrupt(dir, SIGTERM, 143); }

TEST_F(Guards, GuardsDoNotChangeResults) {
  const std::string args = "-q run configs/quickstart.yaml --set workload.num_requests=200 ";
  ASSERT_EQ(run_xpusim(args + "--out " + (dir / "a").string(), dir).exit_code, 0);
  ASSERT_EQ(run_xpusim(args + "--max-events 100000000 --max-wall-s 600 --watchdog-events 1000000 --out " +
                           (dir / "b").string(), dir).exit_code, 0);
  for (const char* f : {"summary.json", "requests.csv", "devices.csv"})
    EXPECT_EQ(testing::slurp(dir / "a" / f), testing::slurp(dir / "b" / f)) << f;
}

}  // namespace
}  // namespace xpusim::cli
