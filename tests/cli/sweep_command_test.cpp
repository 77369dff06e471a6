// End-to-end tests of `xpusim sweep`: parallel grid, resume, failed and killed points, shards,
// merge and MPI ranks all produce the same results.csv.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::csv_rows;
using testing::run_xpusim;
using testing::slurp;

class SweepCli : public ::testing::Test {
 protected:
  fs::path dir =
      fs::temp_directory_path() / ("xpusim_sweep_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  // Writes a sweep file whose base is a shipped scenario (absolute path).
  fs::path sweep(const std::string& base, const std::string& body) {
    const fs::path f = dir / "s.yaml";
    std::ofstream(f) << "base: " << XPUSIM_SOURCE_DIR << "/configs/" << base << "\n" << body;
    return f;
  }
  fs::path grid() {
    return sweep("batching_comparison.yaml", R"(axes:
  batching.policy: [vllm, orca]
  workload.rate_per_s: [2, 4]
seeds: [1, 2]
set: {workload.num_requests: 20}
)");
  }
  testing::Outcome xpusim(const std::string& args) { return run_xpusim(args, dir / "io"); }
};

TEST_F(SweepCli, GridRunsInParallelJoinsResultsAndResumes) {
  const auto f = grid();
  const auto first = xpusim("sweep " + f.string() + " -j 2 -o " + (dir / "a").string());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string csv = slurp(dir / "a" / "results.csv");
  const auto rows = csv_rows(csv);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(std::vector<std::string>(rows[0].begin(), rows[0].begin() + 6),
            (std::vector<std::string>{"point", "status", "error", "batching.policy",
                                      "workload.rate_per_s", "seed"}));
  const auto col = [&](const std::string& name) {
    return std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin();
  };
  ASSERT_LT(col("ttft_s.p99"), static_cast<long>(rows[0].size()));
  ASSERT_LT(col("requests.completed"), static_cast<long>(rows[0].size()));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r][1], "ok") << csv;
    // Each row's parameters reached its own run, and its metrics are that run's.
    const auto s = nlohmann::json::parse(slurp(dir / "a" / "points" / rows[r][0] / "summary.json"));
    EXPECT_EQ(s["scenario"]["batching"]["policy"].get<std::string>(), rows[r][3]);
    EXPECT_EQ(std::to_string(s["seed"].get<int>()), rows[r][5]);
    EXPECT_EQ(std::to_string(s["requests"]["completed"].get<int>()),
              rows[r][col("requests.completed")]);
  }
  EXPECT_EQ(rows[1][3], "vllm");
  EXPECT_EQ(rows[8][3], "orca");

  // The "N points, K already complete" line is info (-v) since the log levels (issue 21).
  const auto again = xpusim("-v sweep " + f.string() + " -j 2 -o " + (dir / "a").string());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("8 already complete, running 0"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(dir / "a" / "results.csv"), csv);
}

TEST_F(SweepCli, FailedPointIsReportedAndTheOthersStillRun) {
  const auto f = sweep("batching_comparison.yaml", R"(points:
  - {batching.policy: vllm}
  - {batching.policy: warp}
  - {batching.policy: orca}
set: {workload.num_requests: 20}
)");
  const auto o = xpusim("sweep " + f.string() + " -j 3 -o " + (dir / "a").string());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("2 of 3 points ok, 1 failed"), std::string::npos) << o.err;
  const std::string csv = slurp(dir / "a" / "results.csv");
  const auto rows = csv_rows(csv);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][1], "ok");
  EXPECT_EQ(rows[3][1], "ok");
  EXPECT_EQ(rows[2][1], "failed");
  EXPECT_NE(csv.find("key 'batching.policy': unknown batching policy 'warp'"), std::string::npos)
      << csv;
}

TEST_F(SweepCli, KilledPointLeavesNoResultAndIsRunAgain) {
  // The middle point needs seconds of CPU; `ulimit -t 1` makes the kernel kill it (SIGXCPU)
  // after one, as a cluster scheduler or the OOM killer would. The small points finish.
  const auto f = sweep("quickstart.yaml", R"(points:
  - {workload.num_requests: 20}
  - {workload.num_requests: 300000, workload.rate_per_s: 20}
  - {workload.num_requests: 30}
set: {horizon_s: 0}
)");
  const std::string args = "sweep " + f.string() + " -j 3 -o " + (dir / "a").string();
  const int status = std::system(
      ("ulimit -t 1; " + std::string(XPUSIM_BINARY) + " -q " + args + " >/dev/null 2>&1").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  auto rows = csv_rows(slurp(dir / "a" / "results.csv"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][1], "ok");
  EXPECT_EQ(rows[2][1], "failed");
  EXPECT_NE(rows[2][2].find("killed by signal"), std::string::npos) << rows[2][2];
  EXPECT_FALSE(fs::exists(dir / "a" / "points" / rows[2][0] / "summary.json"));
  EXPECT_EQ(rows[3][1], "ok");

  const auto rerun = xpusim("-v " + args);  // the "already complete" line is info
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find("2 already complete, running 1"), std::string::npos) << rerun.err;
  rows = csv_rows(slurp(dir / "a" / "results.csv"));
  for (std::size_t r = 1; r < rows.size(); ++r) EXPECT_EQ(rows[r][1], "ok");
  EXPECT_FALSE(fs::exists(dir / "a" / "points" / rows[2][0] / "error.txt"));
}

TEST_F(SweepCli, CtrlCStopsStartingPointsAndStillWritesResults) {
  const auto f = sweep("quickstart.yaml", R"(points:
  - {workload.num_requests: 300001, workload.rate_per_s: 20}
  - {workload.num_requests: 300002, workload.rate_per_s: 20}
  - {workload.num_requests: 20}
  - {workload.num_requests: 30}
set: {horizon_s: 0}
)");
  const fs::path out = dir / "a", log = dir / "sweep.log";
  // Its own process group with Ctrl-C's default action, as in a terminal.
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    freopen(log.c_str(), "w", stderr);
    execl(XPUSIM_BINARY, XPUSIM_BINARY, "sweep", f.c_str(), "-j", "2", "-o", out.c_str(), nullptr);
    _exit(127);
  }
  setpgid(pid, pid);
  const auto started = [&] {
    int n = 0;
    if (fs::exists(out / "points"))
      for (const auto& e : fs::directory_iterator(out / "points"))
        n += fs::exists(e.path() / "run.log");
    return n;
  };
  for (int i = 0; i < 200 && started() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(started(), 2);
  kill(-pid, SIGINT);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << slurp(log);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(slurp(log).find("interrupted: 2 points not started"), std::string::npos) << slurp(log);
  const auto rows = csv_rows(slurp(out / "results.csv"));
  ASSERT_EQ(rows.size(), 5u);
  // The running points stopped (how `run` reports Ctrl-C is its own business) ...
  for (int r : {1, 2}) {
    EXPECT_EQ(rows[r][1], "failed");
    EXPECT_NE(rows[r][2], "not run");
    EXPECT_FALSE(fs::exists(out / "points" / rows[r][0] / "summary.json"));
  }
  // ... and the others never started.
  EXPECT_EQ(rows[3][2], "not run");
  EXPECT_EQ(rows[4][2], "not run");
}

TEST_F(SweepCli, ShardsMergedGiveTheSameResultsAsOneRun) {
  const auto f = grid().string();
  ASSERT_EQ(xpusim("-q sweep " + f + " -o " + (dir / "all").string()).exit_code, 0);
  ASSERT_EQ(xpusim("-q sweep " + f + " --shard 0/3 -o " + (dir / "s0").string()).exit_code, 0);
  ASSERT_EQ(xpusim("-q sweep " + f + " --shard 1/3 -o " + (dir / "s1").string()).exit_code, 0);
  // Shard 1/3 holds points 1, 4, 7 only.
  EXPECT_EQ(csv_rows(slurp(dir / "s1" / "results.csv")).size(), 4u);
  // Without shard 2 the merge is incomplete and says so.
  const auto partial = xpusim("sweep merge " + (dir / "s0").string() + " " + (dir / "s1").string() +
                              " -o " + (dir / "m").string());
  EXPECT_EQ(partial.exit_code, 1);
  EXPECT_NE(slurp(dir / "m" / "results.csv").find("failed,not run"), std::string::npos);
  ASSERT_EQ(xpusim("-q sweep " + f + " --shard 2/3 -o " + (dir / "s2").string()).exit_code, 0);
  const auto merged = xpusim("sweep merge " + (dir / "s0").string() + " " + (dir / "s1").string() +
                             " " + (dir / "s2").string() + " -o " + (dir / "m").string());
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(slurp(dir / "m" / "results.csv"), slurp(dir / "all" / "results.csv"));
  EXPECT_TRUE(fs::exists(dir / "m" / "points"));
}

TEST_F(SweepCli, MergeRefusesDirectoriesOfDifferentSweeps) {
  const auto f = grid().string();
  ASSERT_EQ(xpusim("-q sweep " + f + " --shard 0/2 -o " + (dir / "s0").string()).exit_code, 0);
  ASSERT_EQ(xpusim("-q sweep " + f + " --set workload.num_requests=10 --shard 1/2 -o " +
                   (dir / "s1").string())
                .exit_code,
            0);
  const auto o = xpusim("sweep merge " + (dir / "s0").string() + " " + (dir / "s1").string() +
                        " -o " + (dir / "m").string());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("not a shard of the same sweep"), std::string::npos) << o.err;
}

TEST_F(SweepCli, MpiRanksShareThePoints) {
  if (std::strlen(XPUSIM_MPIEXEC) == 0) GTEST_SKIP() << "built without MPI (CMake found no MPI)";
  const auto f = grid().string();
  ASSERT_EQ(xpusim("-q sweep " + f + " -o " + (dir / "all").string()).exit_code, 0);
  // Open MPI's own start-up allocations are never freed; under the sanitizer build the leak
  // checker would fail every rank for them, so leak checking is off for the ranks only.
  const std::string cmd = "ASAN_OPTIONS=detect_leaks=0 " + std::string(XPUSIM_MPIEXEC) +
                          " -n 2 --oversubscribe --allow-run-as-root -x ASAN_OPTIONS " + XPUSIM_BINARY +
                          " -q sweep " + f + " --mpi -o " + (dir / "mpi").string() + " >" +
                          (dir / "mpi.log").string() + " 2>&1 </dev/null";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(dir / "mpi.log");
  EXPECT_EQ(slurp(dir / "mpi" / "results.csv"), slurp(dir / "all" / "results.csv"));
}

TEST_F(SweepCli, BadSweepFileAndBadShardAreInputAndUsageErrors) {
  const fs::path f = dir / "bad.yaml";
  std::ofstream(f) << "base: q.yaml\naxes: {a.b: 3}\n";
  const auto o = xpusim("sweep " + f.string());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("bad.yaml:2:13: key 'axes.a.b': expected a non-empty list"),
            std::string::npos)
      << o.err;
  std::ofstream(f) << "# a sweep\nbase: no_such.yaml\npoints: [{a.b: 1}]\n";
  const auto missing = xpusim("sweep " + f.string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("bad.yaml:2:7: key 'base': no such scenario file"), std::string::npos)
      << missing.err;
  EXPECT_EQ(xpusim("sweep " + grid().string() + " --shard 2/2").exit_code, 2);
  EXPECT_EQ(xpusim("sweep").exit_code, 2);
}

}  // namespace
}  // namespace xpusim::cli
