// Mixed clusters (cluster.pools, docs/serving.md "Mixed clusters"): the single-pool keys and
// the equivalent pools run identically, the cost block against a hand-computed price, link
// presets against their figures, the loader's errors, and the direction the sweep
// configs/sweeps/serving_mixed_pd.yaml finds at one stated point.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "xpusim/core/error.hpp"
#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

class MixedCluster : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_mixed_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  Catalogs catalogs = build_catalogs();
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  // A Llama-3-8B scenario on H100 with `cluster` as its cluster section (YAML block text).
  fs::path write(const std::string& name, const std::string& cluster) const {
    const fs::path file = dir / (name + ".yaml");
    std::ofstream(file) << "name: t\nseed: 3\nhardware: {preset: h100-sxm}\n"
                           "model: {preset: llama-3-8b}\ncluster:\n"
                        << cluster
                        << "workload: {source: synthetic, rate_per_s: 6, num_requests: 120,\n"
                           "  prompt_dist: lognormal, prompt_mean: 1024, prompt_cv: 1.0,\n"
                           "  output_dist: lognormal, output_mean: 128, output_cv: 1.0}\n"
                           "slo: {ttft_s: 1.0, tpot_s: 0.05}\n";
    return file;
  }
  nlohmann::json run(const fs::path& file, const std::vector<std::string>& sets = {}) const {
    return run_scenario(load_scenario(file, sets, catalogs), catalogs, RunOptions{}).summary;
  }
  std::string error(const fs::path& file) const {
    try {
      load_scenario(file, {}, catalogs);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  // Everything but the resolved scenario (which names the keys each form was given with).
  static std::string outcome(nlohmann::json summary) {
    summary.erase("scenario");
    return summary.dump();
  }
};

TEST_F(MixedCluster, OnePoolRunsAsTheSinglePoolKeys) {
  const auto keys = run(write("keys", "  instances: 3\n  tensor_parallel: 2\n"
                                      "  router: {policy: least_outstanding}\n"));
  const auto pools = run(write("pools", "  pools: [{count: 3, tensor_parallel: 2}]\n"
                                        "  router: {policy: least_outstanding}\n"));
  EXPECT_EQ(outcome(keys), outcome(pools));
  EXPECT_GT(keys["requests"]["completed"].get<int>(), 0);
}

TEST_F(MixedCluster, PrefillAndDecodePoolsRunAsDecodeHardware) {
  const fs::path keys = write("keys", "  prefill_instances: 2\n  decode_instances: 3\n"
                                      "  router: {policy: least_outstanding}\n");
  std::ofstream(keys, std::ios::app) << "decode_hardware: {preset: a100-80gb}\n";
  const auto pools = run(write("pools", "  pools:\n"
                                        "    - {count: 2, role: prefill}\n"
                                        "    - {hardware: a100-80gb, count: 3, role: decode}\n"
                                        "  router: {policy: least_outstanding}\n"));
  EXPECT_EQ(outcome(run(keys)), outcome(pools));
  EXPECT_TRUE(pools["utilization"].contains("decode2.gpu0"));
}

// Every device is paid for over the whole run: 1 H100 instance of TP 2 and 2 A100s are
// 2 x 4.176 + 2 x 2.736 = 13.824 USD/h (the presets' prices).
TEST_F(MixedCluster, CostIsEveryDeviceAtItsPresetPriceOverTheRun) {
  const auto s = run(write("cost", "  pools:\n"
                                   "    - {hardware: h100-sxm, count: 1, tensor_parallel: 2}\n"
                                   "    - {hardware: a100-80gb, count: 2}\n"
                                   "  router: {policy: least_outstanding_capacity}\n"));
  const auto& cost = s["cost"];
  EXPECT_NEAR(cost["usd_per_hour"].get<double>(), 13.824, 1e-9);
  const double seconds = s["simulated_s"];
  EXPECT_NEAR(cost["usd"].get<double>(), 13.824 * seconds / 3600, 1e-9);
  const double out = s["tokens"]["output"];
  EXPECT_NEAR(cost["usd_per_million_output_tokens"].get<double>(), 13.824 * seconds / 3600 / out * 1e6,
              1e-9);
}

TEST_F(MixedCluster, AnUnpricedDeviceLeavesTheCostOut) {
  const fs::path file = write("unpriced", "  instances: 1\n");
  EXPECT_TRUE(run(file).contains("cost"));
  EXPECT_FALSE(run(file, {"hardware.cost_per_hour_usd=0"}).contains("cost"));
}

// link-roce-400g is 50 GB/s per direction and 4 us (configs/hardware/link-roce-400g.yaml).
TEST_F(MixedCluster, ALinkPresetRunsAsItsFigures) {
  const auto preset = run(write("preset", "  prefill_instances: 1\n  decode_instances: 1\n"
                                          "  kv_link: link-roce-400g\n"));
  const auto figures = run(write("figures", "  prefill_instances: 1\n  decode_instances: 1\n"
                                            "  kv_link_gbps: 50\n  kv_link_latency_us: 4\n"));
  EXPECT_EQ(outcome(preset), outcome(figures));
  EXPECT_EQ(preset["scenario"]["cluster"]["kv_link_latency_us"].get<double>(), 4.0);
  const auto slower = run(write("slower", "  prefill_instances: 1\n  decode_instances: 1\n"
                                          "  kv_link: link-pcie-gen4\n"));
  EXPECT_NE(outcome(preset), outcome(slower));
}

TEST_F(MixedCluster, BadPoolsAreRejectedWithTheKeyNamed) {
  auto has = [](const std::string& message, const std::string& part) {
    return message.find(part) != std::string::npos;
  };
  std::string m = error(write("mix", "  pools: [{count: 1}, {count: 1, role: decode}]\n"));
  EXPECT_TRUE(has(m, "cluster.pools") && has(m, "mixes role both")) << m;
  m = error(write("half", "  pools: [{count: 1, role: prefill}]\n"));
  EXPECT_TRUE(has(m, "needs a decode pool")) << m;
  m = error(write("both", "  instances: 2\n  pools: [{count: 1}]\n"));
  EXPECT_TRUE(has(m, "cluster.instances") && has(m, "cluster.pools")) << m;
  m = error(write("preset", "  pools: [{hardware: h100-sx, count: 1}]\n"));
  EXPECT_TRUE(has(m, "cluster.pools.0.hardware") && has(m, "h100-sxm")) << m;  // did you mean
  m = error(write("zero", "  pools: [{count: 0}]\n"));
  EXPECT_TRUE(has(m, "cluster.pools.0.count")) << m;
  m = error(write("link", "  kv_link: link-ib-ndr\n  kv_link_gbps: 10\n"));
  EXPECT_TRUE(has(m, "cluster.kv_link_gbps") && has(m, "not both")) << m;
  m = error(write("nolink", "  kv_link: link-nope\n"));
  EXPECT_TRUE(has(m, "cluster.kv_link") && has(m, "link-nope")) << m;
}

}  // namespace
}  // namespace xpusim::scenario
