// Scenario fuzzer (docs/errors.md, "Fuzzing"): random *valid* scenarios across system kinds and
// policy combinations, each run through the real binary (invariants on) under run guards. A
// run may finish (0), be rejected as an impossible combination (1, with an error line) or be
// stopped by the guards (4); an internal error (3), a crash or a hang is a bug. A failing
// scenario is saved under build/release/scenario_fuzz_failures/ with its seed, to be copied into
// tests/fuzz_regressions/scenario_gen/, whose files every run replays first.
//
// Time and seed: XPUSIM_SCENARIO_FUZZ_SECONDS (default 4, the test suite's brief run) and
// XPUSIM_SCENARIO_FUZZ_SEED (default 1: the suite is deterministic); `make fuzz` runs it for
// FUZZ_SECONDS with a fresh seed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng_)];
  }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin(double p = 0.5) { return std::bernoulli_distribution(p)(rng_); }

  std::string serving() {
    std::string y = "seed: " + std::to_string(between(0, 1000)) + "\n";
    const bool disagg = coin(0.2);
    const bool migration = !disagg && coin(0.2);
    const bool prefix = coin(0.3);
    y += "hardware: {preset: " + pick<std::string>({"h100-sxm", "a100-80gb", "h200"}) + "}\n";
    if (disagg && coin()) y += "decode_hardware: {preset: " + pick<std::string>({"h100-sxm", "h200"}) + "}\n";
    y += "model: {preset: " + pick<std::string>({"llama-3-8b", "llama-2-7b", "mixtral-8x7b"}) + "}\n";
    y += "execution: {model: roofline}\n";
    y += "cluster: {";
    if (disagg)
      y += "prefill_instances: " + std::to_string(between(1, 2)) +
           ", decode_instances: " + std::to_string(between(1, 2)) +
           ", kv_transfer: " + pick<std::string>({"whole", "per_layer"});
    else
      y += "instances: " + std::to_string(between(1, 4));
    y += ", tensor_parallel: " + pick<std::string>({"1", "2", "4"});
    y += ", router: {policy: " +
         pick<std::string>({"least_kv_load", "least_outstanding", "round_robin", "prefix_affinity"}) + "}";
    if (migration) y += ", migration: {policy: llumnix}";
    y += "}\n";
    y += "instance: {block_size: " + pick<std::string>({"8", "16", "32"});
    if (coin(0.3)) y += ", kv_blocks: " + std::to_string(between(64, 4096));
    y += "}\n";
    y += "batching: {policy: " + pick<std::string>({"vllm", "orca", "sarathi", "layered_prefill"}) + "}\n";
    y += "fairness: {policy: " + pick<std::string>({"fcfs", "vtc", "equinox", "rpm_limit"}) + "}\n";
    if (prefix)
      y += "prefix_cache: {enabled: true, eviction: {policy: " + pick<std::string>({"lru", "lfu", "sae", "ttl"}) + "}}\n";
    const std::string source = pick<std::string>({"synthetic", "synthetic", "sessions"});
    if (source == "synthetic")
      y += "workload: {source: synthetic, rate_per_s: " + std::to_string(between(1, 60)) +
           ", num_requests: " + std::to_string(between(5, 80)) +
           ", tenants: " + std::to_string(between(1, 4)) +
           ", arrival: " + pick<std::string>({"poisson", "gamma"}) + "}\n";
    else
      y += "workload: {source: sessions, session_rate_per_s: " + std::to_string(between(1, 5)) +
           ", num_sessions: " + std::to_string(between(2, 12)) + "}\n";
    if (!disagg && !migration && coin(0.2)) {
      y += "horizon_s: 60\nfaults: {mtbf_s: " + std::to_string(between(5, 50)) + ", mttr_s: 2, on_failure: " +
           pick<std::string>({"requeue", "lose"}) + "}\n";
    }
    return y;
  }

  std::string soc() {
    return "system: soc\nseed: " + std::to_string(between(0, 1000)) + "\nsoc: {preset: " +
           pick<std::string>({"snapdragon-x-elite", "intel-core-ultra-7-258v"}) +
           "}\nmodel: {preset: llama-2-7b, dtype: int4}\nflow_scheduling: {policy: " +
           pick<std::string>({"agent_xpu", "igpu_only", "igpu_continuous", "static_partition"}) +
           "}\nworkload: {source: trace, trace_path: " + std::string(XPUSIM_SOURCE_DIR) +
           "/traces/sample_agent.csv}\n";
  }

  std::string moe() {
    return "system: moe\nseed: " + std::to_string(between(0, 1000)) +
           "\nhardware: {preset: h100-sxm}\nmodel: {preset: mixtral-8x7b, num_layers: " +
           std::to_string(between(1, 4)) + "}\ncluster: {nodes: " + std::to_string(between(1, 2)) +
           ", gpus_per_node: 8}\nrun: {mode: serving, steps: " + std::to_string(between(2, 20)) +
           ", tokens_per_micro_batch: " + std::to_string(between(16, 1024)) +
           "}\nrouting: {source: zipf}\nplacement: {policy: " + pick<std::string>({"static", "eplb"}) + "}\n";
  }

  std::string any() {
    const int k = between(0, 9);
    return k < 7 ? serving() : k < 9 ? soc() : moe();
  }

 private:
  std::mt19937_64 rng_;
};

std::int64_t env_or(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoll(v) : fallback;
}

// Runs one scenario; returns an empty string when it kept the promises, else why not.
std::string check_one(const std::string& yaml, const fs::path& dir) {
  std::ofstream(dir / "s.yaml") << yaml;
  const auto o = run_xpusim("-q run s.yaml --out out --max-events 400000 --max-wall-s 5", dir, dir);
  fs::remove_all(dir / "out");
  if (o.exit_code == 0 || o.exit_code == 4) return "";
  if (o.exit_code == 1 && o.err.rfind("error: ", 0) == 0 && o.err.find("internal error") == std::string::npos)
    return "";
  return "exit " + std::to_string(o.exit_code) + ": " + o.err.substr(0, 600);
}

TEST(ScenarioFuzz, RandomValidScenariosNeverEndInAnInternalError) {
  const fs::path dir = fs::temp_directory_path() / ("xpusim_scenario_fuzz_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path failures = fs::path(XPUSIM_BINARY).parent_path() / "scenario_fuzz_failures";
  // The regression cases first: every scenario that once failed.
  const fs::path saved = fs::path(XPUSIM_SOURCE_DIR) / "tests" / "fuzz_regressions" / "scenario_gen";
  if (fs::exists(saved))
    for (const auto& e : fs::directory_iterator(saved)) {
      std::ifstream in(e.path());
      const std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(check_one(yaml, dir), "") << e.path();
    }
  const auto seed = static_cast<std::uint64_t>(env_or("XPUSIM_SCENARIO_FUZZ_SEED", 1));
  const auto budget = std::chrono::seconds(env_or("XPUSIM_SCENARIO_FUZZ_SECONDS", 4));
  const auto start = std::chrono::steady_clock::now();
  Gen gen(seed);
  int runs = 0;
  while (runs < 3 || std::chrono::steady_clock::now() - start < budget) {
    const std::string yaml = gen.any();
    const std::string why = check_one(yaml, dir);
    ++runs;
    if (!why.empty()) {
      fs::create_directories(failures);
      const fs::path f = failures / ("seed" + std::to_string(seed) + "_run" + std::to_string(runs) + ".yaml");
      std::ofstream(f) << "# " << why.substr(0, why.find('\n')) << "\n" << yaml;
      ADD_FAILURE() << why << "\nscenario saved as " << f << ":\n" << yaml;
    }
  }
  std::cerr << "scenario fuzz: " << runs << " scenarios, seed " << seed << "\n";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace xpusim::cli
