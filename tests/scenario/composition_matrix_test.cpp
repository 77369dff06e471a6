// Every policy family composes with every other (issue "one composable serving core"):
// batching {vllm, orca, static, sarathi, layered_prefill} x cluster {co-located, prefill-decode
// disaggregated, Llumnix migration} x prefix cache {off, lru, sae} x fairness {fcfs, vtc} x
// faults {none, an instance failure} = 144 small runs. Each must load and run; request
// conservation and KV-block conservation are checked by the run itself in invariant builds
// (check_conservation in simulation.cpp, the instance's invariant walk after every iteration)
// and here from the summary; a second run of the same point must give the same bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::scenario {
namespace {

// Multi-turn chat sessions sharing system prompts (so a prefix cache hits), on a KV pool small
// enough that sessions compete for blocks (preemptions happen).
constexpr const char* kBase = R"(name: matrix
seed: 3
hardware: {preset: a100-80gb}
model: {preset: llama-3-8b}
cluster: {instances: 2, kv_link_gbps: 50}
instance: {kv_blocks: 150}
batching: {policy: vllm}
workload:
  source: sessions
  kind: chat
  session_rate_per_s: 6
  num_sessions: 10
  turns_min: 2
  turns_max: 3
  system_prompts: 2
  system_prompt_tokens: 512
  user_tokens: 120
  response_tokens: 60
  think_time_s: 0.5
slo: {ttft_s: 1.0, tpot_s: 0.05}
)";

std::filesystem::path base_file() {
  const auto path = std::filesystem::temp_directory_path() /
                    ("xpusim_matrix_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << kBase;
  return path;
}

std::vector<std::string> point(const std::string& batching, int cluster, const std::string& cache,
                               const std::string& fairness, bool fault) {
  std::vector<std::string> sets{"batching.policy=" + batching, "fairness.policy=" + fairness};
  if (batching == "orca" || batching == "static") sets.push_back("batching.max_seq_len=1024");
  if (cluster == 1)
    sets.insert(sets.end(), {"cluster.prefill_instances=1", "cluster.decode_instances=1"});
  if (cluster == 2) sets.push_back("cluster.migration.policy=llumnix");
  if (cache != "off")
    sets.insert(sets.end(), {"prefix_cache.enabled=true", "prefix_cache.eviction.policy=" + cache});
  if (fault)
    sets.insert(sets.end(), {"faults.on_failure=requeue", "faults.schedule=[{instance: 1, at_s: 0.8, duration_s: 0.5}]"});
  return sets;
}

TEST(CompositionMatrix, EveryCombinationRunsConservesAndRepeats) {
  const Catalogs catalogs = build_catalogs();
  const auto path = base_file();
  int runs = 0;
  for (const std::string batching : {"vllm", "orca", "static", "sarathi", "layered_prefill"})
    for (int cluster = 0; cluster < 3; ++cluster)
      for (const std::string cache : {"off", "lru", "sae"})
        for (const std::string fairness : {"fcfs", "vtc"})
          for (const bool fault : {false, true}) {
            const auto sets = point(batching, cluster, cache, fairness, fault);
            std::string label;
            for (const auto& s : sets) label += s + " ";
            SCOPED_TRACE(label);
            nlohmann::json first, second;
            ASSERT_NO_THROW({
              const ScenarioSpec spec = load_scenario(path, sets, catalogs);
              first = run_scenario(spec, catalogs, RunOptions{}).summary;
              second = run_scenario(spec, catalogs, RunOptions{}).summary;
            });
            const auto& r = first["requests"];
            // No horizon: everything that arrived ends completed, rejected or lost.
            EXPECT_EQ(r["unfinished"].get<std::int64_t>(), 0);
            EXPECT_GT(r["completed"].get<std::int64_t>(), 0);
            if (!fault) EXPECT_EQ(r["lost"].get<std::int64_t>(), 0);
            if (fault) EXPECT_TRUE(first.contains("faults"));
            if (cluster == 1) EXPECT_GT(first["kv_transfer"]["count"].get<std::int64_t>(), 0);
            EXPECT_EQ(first.dump(), second.dump());  // determinism
            ++runs;
          }
  std::filesystem::remove(path);
  EXPECT_EQ(runs, 180);
}

// Closed-loop sessions (every session exactly 3 turns) over each cluster shape, with and
// without an instance failure: every turn of every session runs when nothing is lost (30
// requests), a lost turn ends its session (fewer than 30 arrive), and runs repeat byte for byte.
TEST(CompositionMatrix, ClosedLoopSessionsRunOnEveryClusterShape) {
  const Catalogs catalogs = build_catalogs();
  const auto path = base_file();
  for (int cluster = 0; cluster < 3; ++cluster)
    for (const std::string on_failure : {"none", "requeue", "lose"}) {
      auto sets = point("vllm", cluster, "lru", "fcfs", false);
      sets.insert(sets.end(), {"workload.loop=closed", "workload.turns_min=3", "workload.turns_max=3"});
      if (on_failure != "none")
        sets.insert(sets.end(), {"faults.on_failure=" + on_failure,
                                 "faults.schedule=[{instance: 1, at_s: 0.8, duration_s: 0.5}]"});
      std::string label;
      for (const auto& s : sets) label += s + " ";
      SCOPED_TRACE(label);
      nlohmann::json first, second;
      ASSERT_NO_THROW({
        const ScenarioSpec spec = load_scenario(path, sets, catalogs);
        first = run_scenario(spec, catalogs, RunOptions{}).summary;
        second = run_scenario(spec, catalogs, RunOptions{}).summary;
      });
      const auto& r = first["requests"];
      EXPECT_EQ(r["unfinished"].get<std::int64_t>(), 0);
      const auto lost = r["lost"].get<std::int64_t>();
      const auto done = r["completed"].get<std::int64_t>() + r["rejected"].get<std::int64_t>() + lost;
      if (lost == 0) EXPECT_EQ(r["completed"].get<std::int64_t>(), 30);
      else EXPECT_LT(done, 30);  // each lost turn drops the rest of its session
      EXPECT_EQ(first.dump(), second.dump());
    }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace xpusim::scenario
