// A short run of every libFuzzer target when `make fuzz` has built them (build/fuzz/); the
// clang/ASan build is not part of the ordinary build, so without it this test is skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;

TEST(Fuzz, SmokeRunEveryTarget) {
  const fs::path bin = fs::path(XPUSIM_SOURCE_DIR) / "build" / "fuzz" / "fuzz";
  const char* targets[] = {"fuzz_scenario", "fuzz_trace_azure", "fuzz_trace_xpusim",
                           "fuzz_trace_burstgpt", "fuzz_trace_mooncake", "fuzz_agent_trace",
                           "fuzz_routing_trace"};
  for (const char* t : targets)
    if (!fs::exists(bin / t)) GTEST_SKIP() << "no " << (bin / t) << ": run `make fuzz` first";
  const fs::path seeds = fs::path(XPUSIM_SOURCE_DIR) / "tests" / "fuzz_regressions";
  const fs::path scratch = fs::temp_directory_path() / ("xpusim_fuzz_smoke_" + std::to_string(::getpid()));
  for (const char* t : targets) {
    const fs::path corpus = scratch / t;
    fs::create_directories(corpus);
    if (fs::exists(seeds / t))
      for (const auto& e : fs::directory_iterator(seeds / t)) fs::copy_file(e.path(), corpus / e.path().filename());
    const std::string cmd = (bin / t).string() + " " + corpus.string() +
                            " -max_total_time=3 -max_len=4096 -timeout=10 -artifact_prefix=" +
                            (scratch / (std::string(t) + "-")).string() + " >" +
                            (scratch / (std::string(t) + ".log")).string() + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << t << " found a crash: see " << scratch;
  }
  if (!HasFailure()) fs::remove_all(scratch);
}

}  // namespace
}  // namespace xpusim::cli
