// Llumnix live migration against no migration on the same cluster (configs/migration.yaml):
// the direction the paper claims must hold.
#include <gtest/gtest.h>

#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::scenario {
namespace {

nlohmann::json run(const std::vector<std::string>& sets) {
  const Catalogs catalogs = build_catalogs();
  const ScenarioSpec spec = load_scenario("configs/migration.yaml", sets, catalogs);
  return run_scenario(spec, catalogs, RunOptions{}).summary;
}

// Round-robin ignores load, so long decodes pile up on some instances: their KV fills, prompts
// queue behind it (and decodes get preempted) while other instances have room. Migration moves
// decoding requests off the full instances, which frees blocks for the queued prompts: tail
// TTFT (queueing for memory) is what it fixes, as in Llumnix's evaluation (P99 prefill latency).
// Measured: p99 TTFT 1.16 s with llumnix vs 12.7 s without (seed 5); over seeds 1-7 the ratio
// was 0.09-0.41, while p99 E2E (dominated by the long decodes themselves) moved by < 7 %.
// Demanding at least a 2x cut leaves room for model changes yet fails if migration stops
// freeing memory where prompts queue.
constexpr double kMaxRatio = 0.5;
TEST(Migration, LlumnixLowersTailTtftVersusNoMigration) {
  const auto llumnix = run({});
  const auto none = run({"cluster.migration.policy=none"});
  const double p99_m = llumnix["ttft_s"]["p99"], p99_n = none["ttft_s"]["p99"];
  EXPECT_LT(p99_m, kMaxRatio * p99_n) << "p99 TTFT llumnix " << p99_m << " vs none " << p99_n;
  EXPECT_EQ(llumnix["requests"]["completed"], none["requests"]["completed"]);
  EXPECT_GT(llumnix["migration"]["count"].get<std::int64_t>(), 0);
  EXPECT_GT(llumnix["migration"]["mean_downtime_s"].get<double>(), 0);
  EXPECT_FALSE(none.contains("migration"));
}

TEST(Migration, NeedsColocatedInstancesButAnyBatchingPolicy) {
  const Catalogs catalogs = build_catalogs();
  auto message = [&](const std::vector<std::string>& sets) {
    try {
      load_scenario("configs/migration.yaml", sets, catalogs);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  // Every batching policy resumes migrated KV (its arrived queue), so none is rejected.
  for (const char* p : {"batching.policy=sarathi", "batching.policy=orca", "batching.policy=layered_prefill"})
    EXPECT_EQ(message({p}), "") << p;
  EXPECT_NE(message({"cluster.prefill_instances=2", "cluster.decode_instances=2"})
                .find("cluster.migration.policy"),
            std::string::npos);
  EXPECT_NE(message({"cluster.migration.interval_s=0"}).find("interval_s"), std::string::npos);
  EXPECT_EQ(message({"batching.policy=sarathi", "cluster.migration.policy=none"}), "");
}

}  // namespace
}  // namespace xpusim::scenario
