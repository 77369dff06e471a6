#include "xpusim/scenario/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "xpusim/scenario/diagnostics.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

class ScenarioLoader : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("xpusim_loader_" + std::to_string(::getpid()));
  Catalogs catalogs = build_catalogs();
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
  // Every error message for a scenario that must fail.
  std::vector<std::string> errors(const std::string& text, std::vector<std::string> sets = {}) {
    try {
      load_scenario(write("s.yaml", text), sets, catalogs);
    } catch (const ScenarioError& e) {
      return e.messages();
    }
    ADD_FAILURE() << "scenario loaded but should not have:\n" << text;
    return {};
  }
};

const char* kValid = R"(seed: 3
hardware: {preset: h100-sxm}
model: {preset: llama-3-8b}
cluster: {instances: 2, router: {policy: least_outstanding}}
batching: {policy: vllm, max_num_seqs: 64}
workload: {source: synthetic, rate_per_s: 4, num_requests: 10}
slo: {ttft_s: 0.5}
)";

TEST_F(ScenarioLoader, LoadsPresetsDefaultsAndSelections) {
  const ScenarioSpec s = load_scenario(write("ok.yaml", kValid), {}, catalogs);
  EXPECT_EQ(s.name, "ok");
  EXPECT_EQ(s.seed, 3u);
  EXPECT_EQ(s.instances, 2);
  EXPECT_EQ(s.router.name, "least_outstanding");
  EXPECT_EQ(s.batching.params.integer("max_num_seqs"), 64);
  EXPECT_EQ(s.batching.params.integer("max_num_batched_tokens"), 8192);  // default filled
  EXPECT_EQ(s.model.num_layers, 32);
  EXPECT_GT(s.device.memory_bw_bytes_per_s, 3e12);
  EXPECT_DOUBLE_EQ(s.slo_ttft_s, 0.5);
  EXPECT_EQ(s.execution.name, "roofline");
}

// Priority scheduling needs a batching policy that preempts, and fairness-driven ranks need it on;
// each mistake is one message naming the key.
TEST_F(ScenarioLoader, PrioritySchedulingRefusesWhatCannotRunIt) {
  auto one = [&](std::vector<std::string> sets, const std::string& key) {
    const std::vector<std::string> e = errors(kValid, std::move(sets));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_NE(e[0].find(key), std::string::npos) << e[0];
  };
  one({"instance.reprioritize_every=10"}, "instance.reprioritize_every");
  one({"instance.preempt_for_priority=true", "batching.policy=orca"},
      "instance.preempt_for_priority");
  const ScenarioSpec s = load_scenario(
      write("ok.yaml", kValid),
      {"instance.preempt_for_priority=true", "instance.reprioritize_every=50"}, catalogs);
  EXPECT_TRUE(s.instance.preempt_for_priority);
  EXPECT_EQ(s.instance.reprioritize_every, 50);
}

TEST_F(ScenarioLoader, OverridesApplyAndAreValidated) {
  const ScenarioSpec s = load_scenario(write("ok.yaml", kValid),
                                       {"workload.rate_per_s=12", "seed=7", "hardware.memory_gb=40"},
                                       catalogs);
  EXPECT_DOUBLE_EQ(s.workload.params.real("rate_per_s"), 12.0);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_DOUBLE_EQ(s.device.memory_bytes, 40e9);
  auto errs = errors(kValid, {"workload.rate_per_s=-1"});
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("--set workload.rate_per_s=-1"), std::string::npos) << errs[0];
}

TEST_F(ScenarioLoader, ReportsEveryErrorWithFileLineAndKey) {
  const auto errs = errors(R"(seed: 3
hardware: {preset: h100-sxm}
model: {preset: llama-3-8b}
batching:
  policy: vllm
  max_num_seqs: many
  bogus_key: 1
workload: {source: synthetic, rate_per_s: 4}
cluster: {router: {policy: random_pick}}
)");
  ASSERT_EQ(errs.size(), 3u);
  auto has = [&](const std::string& needle) {
    for (const auto& e : errs)
      if (e.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("s.yaml:6:17: key 'batching.max_num_seqs': expected an integer >= 1, got 'many'"));
  EXPECT_TRUE(has("s.yaml:7:3: key 'batching.bogus_key': unknown key"));
  // The message lists every registered router; check its form and two of the names.
  EXPECT_TRUE(has("key 'cluster.router.policy': unknown router 'random_pick' (expected one of: "));
  EXPECT_TRUE(has("least_outstanding") && has("round_robin)"));
}

TEST_F(ScenarioLoader, MissingSectionsAndUnknownPresetsAreErrors) {
  auto errs = errors("seed: 1\n");
  EXPECT_EQ(errs.size(), 3u);  // hardware, model, workload
  errs = errors(R"(hardware: {preset: no-such-gpu}
model: {preset: llama-3-8b}
workload: {source: synthetic, rate_per_s: 1}
)");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("no preset 'no-such-gpu'"), std::string::npos);
}

TEST_F(ScenarioLoader, MalformedYamlAndExponentialAliasesAreRejected) {
  auto errs = errors("hardware: {preset: h100-sxm\nmodel: [\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("malformed YAML"), std::string::npos);
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'i'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) +
            ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + "]\n";
  errs = errors(bomb);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("more than 1,000,000 nodes"), std::string::npos);
}

TEST_F(ScenarioLoader, ModelThatDoesNotFitIsReportedWhenBuilt) {
  // Llama-2-70B in bf16 (~138 GB) on one 80 GB device: loading succeeds (the spec is valid),
  // sizing the KV cache fails with a clear message.
  const ScenarioSpec s = load_scenario(write("big.yaml", R"(hardware: {preset: a100-80gb}
model: {preset: llama-2-70b}
workload: {source: synthetic, rate_per_s: 1}
)"), {}, catalogs);
  model::Placement p{s.device, 1, 0, 0};
  EXPECT_THROW(systems::derive_kv_blocks(s.instance, s.model, p), Error);
  p.tensor_parallel = 4;
  EXPECT_GT(systems::derive_kv_blocks(s.instance, s.model, p), 1000);
}

}  // namespace
}  // namespace xpusim::scenario
