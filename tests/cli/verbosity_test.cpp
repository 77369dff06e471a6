// Log levels through the real binary (issue "The researcher's workflow" item 6): -q shows errors
// only, the default shows warnings and the results line, -v adds info, -vv adds per-component
// decisions; the outputs are the same bytes at every level.
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

class Verbosity : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_verbosity_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::path src = fs::path(XPUSIM_SOURCE_DIR);
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  // A small run whose timeline drops tracks, so a warning is due at every level but -q.
  testing::Outcome run_at(const std::string& level, const std::string& out) {
    return run_xpusim(level + " run " + (src / "configs/quickstart.yaml").string() +
                          " --set workload.num_requests=20 --timeline --timeline-max-tracks 2"
                          " --out " + out,
                      dir / "scratch", dir);
  }
};

TEST_F(Verbosity, EachLevelShowsWhatItPromisesAndOutputsAreTheSameBytes) {
  const auto quiet = run_at("-q", "q");
  const auto normal = run_at("", "n");
  const auto verbose = run_at("-v", "v");
  const auto debug = run_at("-vv", "vv");
  for (const auto* o : {&quiet, &normal, &verbose, &debug}) ASSERT_EQ(o->exit_code, 0) << o->err;

  EXPECT_EQ(quiet.err, "") << "-q prints no warning, info or results line";
  EXPECT_NE(normal.err.find("warning: timeline: 18 requests beyond the first 2"), std::string::npos)
      << normal.err;
  EXPECT_NE(normal.err.find("results: n"), std::string::npos) << normal.err;
  EXPECT_EQ(normal.err.find("info: "), std::string::npos) << normal.err;
  EXPECT_NE(verbose.err.find("info: running "), std::string::npos) << verbose.err;
  EXPECT_EQ(verbose.err.find("debug: "), std::string::npos) << verbose.err;
  // -vv: the resolved policies at start and one routing decision per request.
  EXPECT_NE(debug.err.find("debug: serving: router "), std::string::npos) << debug.err;
  std::size_t routed = 0;
  for (std::size_t at = 0; (at = debug.err.find("debug: router: request ", at)) != std::string::npos; ++at)
    ++routed;
  EXPECT_EQ(routed, 20u) << debug.err;

  for (const char* file : {"summary.json", "requests.csv", "timeline.json"}) {
    const std::string q = slurp(dir / "q" / file);
    EXPECT_FALSE(q.empty()) << file;
    EXPECT_EQ(slurp(dir / "n" / file), q) << file;
    EXPECT_EQ(slurp(dir / "v" / file), q) << file;
    EXPECT_EQ(slurp(dir / "vv" / file), q) << file;
  }
}

// Counts the lines of `err` that match `line`; with a capture group, sums the captured numbers.
std::int64_t tally(const std::string& err, const std::regex& line) {
  std::int64_t total = 0;
  for (auto it = std::sregex_iterator(err.begin(), err.end(), line); it != std::sregex_iterator(); ++it)
    total += it->size() > 1 ? std::stoll((*it)[1].str()) : 1;
  return total;
}

// -vv says every preemption and every prefix-cache eviction: as many preemption lines as the
// summary counts preemptions, and eviction lines whose block counts add up to its evictions.
TEST_F(Verbosity, DebugLinesAccountForEveryPreemptionAndEviction) {
  const auto o = run_xpusim("-vv run " + (src / "configs/prefix_cache_chat.yaml").string() +
                                " --set instance.kv_blocks=600 --set workload.num_sessions=60"
                                " --out " + (dir / "pc").string(),
                            dir / "scratch", dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto summary = nlohmann::json::parse(slurp(dir / "pc" / "summary.json"));
  const std::int64_t preempted = summary.at("requests").at("preempted").get<std::int64_t>();
  const std::int64_t evictions = summary.at("prefix_cache").at("evictions").get<std::int64_t>();
  ASSERT_GT(preempted, 0) << "the scenario must preempt for the check to mean anything";
  ASSERT_GT(evictions, 0) << "the scenario must evict for the check to mean anything";
  EXPECT_EQ(tally(o.err, std::regex("debug: instance \\d+: preempted request ")), preempted);
  EXPECT_EQ(tally(o.err, std::regex("debug: prefix cache: instance \\d+ evicted (\\d+) blocks")),
            evictions);
}

}  // namespace
}  // namespace xpusim::cli
