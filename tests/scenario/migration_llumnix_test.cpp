// Llumnix against its own baseline INFaaS++ (configs/migration_llumnix.yaml: the same `llumnix`
// freeness dispatch with and without live migration, 8 Llama-2-7B instances on L4s, Gamma
// arrivals, heavy-tailed lengths, 25 ms fixed downtime per migration): the direction the paper
// claims must hold. Reproduction and magnitudes: configs/sweeps/serving_llumnix.yaml,
// docs/reproductions.md.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::scenario {
namespace {

nlohmann::json run(int seed, const std::string& migration) {
  const Catalogs catalogs = build_catalogs();
  const ScenarioSpec spec = load_scenario(
      "configs/migration_llumnix.yaml",
      {"seed=" + std::to_string(seed), "cluster.migration.policy=" + migration}, catalogs);
  return run_scenario(spec, catalogs, RunOptions{}).summary;
}

// At 5 req/s (just below the cluster's capacity, 2,000 requests) the dispatch alone already
// balances well, so migration's part is the residue: it moves decodes off instances whose
// memory fills, so queued prompts there start sooner. Measured (seeds 1, 2, 3): p99 TTFT
// 2.15 / 8.85 / 42.0 s with migration vs 2.46 / 9.99 / 53.0 s without (1.13-1.26x), mean E2E
// 1.7-5.2% lower, preemptions 19 / 62 / 259 vs 50 / 124 / 262; seeds 4-5 gave 1.40x and 1.53x.
// The test demands the direction on every seed and the mean of p99 TTFT ratios above 1.1, not
// a magnitude: the paper's order-of-magnitude gain does not appear here (docs/reproductions.md).
TEST(MigrationLlumnix, MigrationLowersTailTtftVersusInfaasPlusPlus) {
  double log_ratio = 0;
  for (int seed : {1, 2, 3}) {
    const auto with = run(seed, "llumnix");
    const auto without = run(seed, "none");
    EXPECT_EQ(with["requests"]["completed"], with["requests"]["arrived"]) << "seed " << seed;
    EXPECT_EQ(without["requests"]["completed"], without["requests"]["arrived"]) << "seed " << seed;
    const double p99_m = with["ttft_s"]["p99"], p99_n = without["ttft_s"]["p99"];
    EXPECT_LT(p99_m, p99_n) << "seed " << seed;
    EXPECT_LT(with["e2e_s"]["mean"].get<double>(), without["e2e_s"]["mean"].get<double>())
        << "seed " << seed;
    EXPECT_LE(with["requests"]["preempted"].get<std::int64_t>(),
              without["requests"]["preempted"].get<std::int64_t>())
        << "seed " << seed;
    // Every migration pays the fixed stop-and-copy cost: the mean downtime is at least 25 ms.
    EXPECT_GT(with["migration"]["count"].get<std::int64_t>(), 0);
    EXPECT_GE(with["migration"]["mean_downtime_s"].get<double>(), 0.025);
    log_ratio += std::log(p99_n / p99_m) / 3;
  }
  EXPECT_GT(std::exp(log_ratio), 1.1);
}

}  // namespace
}  // namespace xpusim::scenario
