// All-or-nothing outputs (docs/errors.md, issue 20) through the real binary: a run that cannot
// write its files leaves the previous run's directory exactly as it was, and never a mix of
// old and new files or a temporary. The write failure is a file size limit (ulimit -f, which
// needs no root and no special file system): with SIGXFSZ ignored by xpusim, a write past
// the limit fails with EFBIG like a full disk.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;
using testing::slurp;

const std::string kScenario =
    "hardware: {preset: h100-sxm}\nmodel: {preset: llama-3-8b}\n"
    "workload: {source: synthetic, rate_per_s: 4, num_requests: 40}\n";

using Listing = std::map<std::string, std::string>;

Listing listing(const fs::path& dir) {
  Listing out;
  for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename().string()] = slurp(e.path());
  return out;
}

class OutputAtomicity : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_atomic_cli_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "s.yaml") << kScenario;
  }
  void TearDown() override { fs::remove_all(dir); }

  // Runs with a file size limit of `blocks` x 512 bytes; returns the exit code.
  int run_limited(const std::string& args, int blocks) {
    const std::string cmd = "cd '" + dir.string() + "' && ulimit -f " + std::to_string(blocks) +
                            " && " + XPUSIM_BINARY + " -q " + args + " >/dev/null 2>err.txt";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_F(OutputAtomicity, AFailedWriteLeavesThePreviousRunOrTheNewOneNeverAMix) {
  // The previous run (seed 1), and what the new run (seed 2) writes when nothing fails.
  ASSERT_EQ(run_xpusim("-q run s.yaml --out out", dir / "scratch", dir).exit_code, 0);
  ASSERT_EQ(run_xpusim("-q run s.yaml --out new --set seed=2", dir / "scratch", dir).exit_code, 0);
  const Listing old_run = listing(dir / "out"), new_run = listing(dir / "new");
  ASSERT_NE(old_run.at("summary.json"), new_run.at("summary.json"));
  ASSERT_GE(old_run.size(), 4U);
  std::size_t largest = 0;
  for (const auto& [name, text] : new_run) largest = std::max(largest, text.size());

  int failed = 0;
  // Limits from below the smallest file to above the largest: each failure point in turn.
  for (int blocks : {1, 2, 4, 8, 16, 32, 64, 128, 1 << 20}) {
    const Listing before = listing(dir / "out");
    const int rc = run_limited("run s.yaml --out out --force --set seed=2", blocks);
    const Listing after = listing(dir / "out");
    if (rc == 0) {
      // run.json holds times and the command line: present, but not compared.
      Listing compared = after, expected = new_run;
      EXPECT_EQ(compared.erase("run.json"), 1U);
      expected.erase("run.json");
      EXPECT_EQ(compared, expected) << "limit " << blocks;
    } else {
      ++failed;
      EXPECT_EQ(rc, 1) << "limit " << blocks << ": " << slurp(dir / "err.txt");
      EXPECT_EQ(after, before) << "limit " << blocks << ": a failed run changed the directory";
      EXPECT_NE(slurp(dir / "err.txt").find("cannot write output file"), std::string::npos)
          << slurp(dir / "err.txt");
    }
    for (const auto& [name, text] : after) {
      EXPECT_EQ(name.find(".tmp."), std::string::npos) << name;
      EXPECT_EQ(name.find(".old."), std::string::npos) << name;
    }
    // Back to the old run for the next limit.
    fs::remove_all(dir / "out");
    fs::create_directories(dir / "out");
    for (const auto& [name, text] : old_run) std::ofstream(dir / "out" / name, std::ios::binary) << text;
  }
  // The sweep of limits crossed the largest file: some runs failed, the unlimited one did not.
  EXPECT_GT(largest, 512U);
  EXPECT_GT(failed, 0);
}

TEST_F(OutputAtomicity, AFileSizeLimitInAFreshDirectoryLeavesNoFileAtAll) {
  EXPECT_EQ(run_limited("run s.yaml --out fresh", 1), 1) << slurp(dir / "err.txt");
  if (fs::exists(dir / "fresh")) {
    EXPECT_TRUE(listing(dir / "fresh").empty());
  }
}

// A trace that must be read twice (its tenant column is collected in a first pass) given as a
// pipe: the second open would wait forever for a writer; it is a clear error instead.
TEST_F(OutputAtomicity, APipedTraceNeedingTwoPassesIsAClearError) {
  std::ofstream(dir / "s.yaml") << "hardware: {preset: h100-sxm}\nmodel: {preset: llama-3-8b}\n"
                                   "workload: {source: trace, format: xpusim, path: t.trace}\n";
  std::ofstream(dir / "data.csv") << "arrival_s,prompt_tokens,output_tokens,tenant\n0,10,5,a\n1,10,5,b\n";
  ASSERT_EQ(::mkfifo((dir / "t.trace").c_str(), 0600), 0);
  const std::string cmd = "cd '" + dir.string() + "' && (cat data.csv > t.trace &) && timeout 30 " +
                          XPUSIM_BINARY + " -q run s.yaml --out out >/dev/null 2>err.txt";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << slurp(dir / "err.txt");
  EXPECT_NE(slurp(dir / "err.txt").find("t.trace: is a pipe, but collecting the tenant column's names reads it twice"),
            std::string::npos)
      << slurp(dir / "err.txt");
  // The writer (a few bytes, within the pipe's buffer) has exited: nothing is left blocked.
}

// Echoed input is bounded: a 100 kB field yields a short message without raw control bytes.
TEST_F(OutputAtomicity, AHugeBadFieldGivesAShortEscapedMessage) {
  std::ofstream(dir / "s.yaml") << "hardware: {preset: h100-sxm}\nmodel: {preset: llama-3-8b}\n"
                                   "workload: {source: trace, format: xpusim, path: t.trace}\n";
  std::ofstream(dir / "t.trace", std::ios::binary)
      << "arrival_s,prompt_tokens,output_tokens\n" << std::string(100000, '\x1b') << ",10,5\n";
  const auto o = run_xpusim("-q run s.yaml --out out", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_LT(o.err.size(), 400U) << o.err.size();
  EXPECT_EQ(o.err.find('\x1b'), std::string::npos);
  EXPECT_NE(o.err.find("arrival_s '\\x1b\\x1b"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("...'"), std::string::npos) << o.err;
}

// A UTF-8 byte-order mark before the header is accepted by every reader alike.
TEST_F(OutputAtomicity, EveryTraceReaderAcceptsAByteOrderMark) {
  const std::string bom = "\xEF\xBB\xBF";
  std::ofstream(dir / "agent.yaml")
      << "system: soc\nsoc: {preset: snapdragon-x-elite}\nmodel: {preset: llama-2-7b, dtype: int4}\n"
         "flow_scheduling: {policy: static_partition}\nworkload: {source: trace, trace_path: a.csv}\n";
  std::ofstream(dir / "a.csv") << bom
                               << "flow_id,class,arrival_s,prompt_tokens,output_tokens,think_s,tool_wait_s\n"
                                  "0,reactive,0.5,18,4,0,0\n";
  auto o = run_xpusim("-q run agent.yaml --out o1", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  std::ofstream(dir / "moe.yaml")
      << "system: moe\nhardware: {preset: h100-sxm}\nmodel: {preset: mixtral-8x7b, num_layers: 2}\n"
         "cluster: {nodes: 1, gpus_per_node: 8}\nrun: {mode: serving, steps: 2, tokens_per_micro_batch: 4}\n"
         "routing: {source: trace, path: r.csv}\n";
  std::ofstream(dir / "r.csv") << bom << "micro_batch,layer,e0,e1,e2,e3,e4,e5,e6,e7\n"
                                         "0,0,4,4,0,0,0,0,0,0\n0,1,0,0,4,4,0,0,0,0\n";
  o = run_xpusim("-q run moe.yaml --out o2", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  std::ofstream(dir / "s.yaml") << "hardware: {preset: h100-sxm}\nmodel: {preset: llama-3-8b}\n"
                                   "workload: {source: trace, format: xpusim, path: t.csv}\n";
  std::ofstream(dir / "t.csv") << bom << "arrival_s,prompt_tokens,output_tokens\n0,10,5\n";
  o = run_xpusim("-q run s.yaml --out o3", dir / "scratch", dir);
  EXPECT_EQ(o.exit_code, 0) << o.err;
}

}  // namespace
}  // namespace xpusim::cli
