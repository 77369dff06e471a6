// Expert parallelism per pool (cluster.pools[].expert_parallel, docs/serving.md "Mixed
// clusters"): two pools of Mixtral-8x7B at EP2 and EP4 against a hand computation (devices per
// instance, KV capacity, the capacity-weighted router's choice), the single-pool keys and the
// equivalent pools running identically, and the combinations the loader refuses.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

// Mixtral-8x7B by hand (configs/models/mixtral-8x7b.yaml): attention 4096 x (4096 + 2 x 8 x 128)
// + 4096 x 4096 = 41,943,040; one expert 3 x 4096 x 14336 = 176,160,768; router 4096 x 8; two
// norms 8,192; 32 layers; embedding and head 2 x 32000 x 4096, final norm 4096. All weights
// 46,702,792,704 (93,405,585,408 bytes in bf16), of which the routed experts are
// 32 x 8 x 176,160,768 x 2 = 90,194,313,216 bytes. At EP G each GPU holds everything else and
// 1/G of the experts: G x 3,211,272,192 + 90,194,313,216 bytes over the group: 96,616,857,600
// at EP2, 103,039,401,984 at EP4. KV: 32 layers x 2 x 8 x 128 x 2 bytes = 131,072 bytes per token,
// 2,097,152 per block of 16.
//   KV blocks derived on H100 (80e9 bytes, utilisation 0.9, 1 GB reserve per GPU):
//     EP2: (144e9 - 96,616,857,600 - 2e9) / 2,097,152 = 21,640.4 -> 21,640
//     EP4: (288e9 - 103,039,401,984 - 4e9) / 2,097,152 = 86,288.7 -> 86,288
//   Largest instance.kv_blocks that fits beside the weights (whole memory): EP2 30,223.
//   Decode steps/s (the capacity router's rate): EP2 2 x 3350e9 / 96,616,857,600 = 69.35,
//     EP4 4 x 3350e9 / 103,039,401,984 = 130.05.
constexpr int kEp2MaxKvBlocks = 30223;

class PoolExpertParallel : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_pool_ep_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  Catalogs catalogs = build_catalogs();
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  // Mixtral-8x7B on H100 with `cluster` as its cluster section (YAML block text).
  fs::path write(const std::string& name, const std::string& cluster,
                 const std::string& model = "mixtral-8x7b") const {
    const fs::path file = dir / (name + ".yaml");
    std::ofstream(file) << "name: t\nseed: 5\nhardware: {preset: h100-sxm}\n"
                           "model: {preset: " << model << "}\nexecution: {model: roofline}\ncluster:\n"
                        << cluster
                        << "workload: {source: synthetic, rate_per_s: 20, num_requests: 60,\n"
                           "  prompt_dist: lognormal, prompt_mean: 512, prompt_cv: 1.0,\n"
                           "  output_dist: lognormal, output_mean: 64, output_cv: 1.0}\n"
                           "slo: {ttft_s: 1.0, tpot_s: 0.1}\n";
    return file;
  }
  nlohmann::json run(const fs::path& file, const std::vector<std::string>& sets = {},
                     const fs::path& out = {}) const {
    RunOptions options;
    options.out_dir = out;
    return run_scenario(load_scenario(file, sets, catalogs), catalogs, options).summary;
  }
  std::string error(const fs::path& file, const std::vector<std::string>& sets = {}) const {
    try {
      run(file, sets);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  // The instance column of requests.csv: request id -> instance index.
  static std::map<int, int> instances(const fs::path& csv) {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);  // header: id,instance,...
    std::map<int, int> out;
    while (std::getline(in, line)) {
      std::stringstream row(line);
      std::string id, instance;
      std::getline(row, id, ',');
      std::getline(row, instance, ',');
      out[std::stoi(id)] = std::stoi(instance);
    }
    return out;
  }
};

const std::string kTwoPools =
    "  pools:\n"
    "    - {count: 1, expert_parallel: 2}\n"
    "    - {count: 1, expert_parallel: 4}\n"
    "  router: {policy: least_outstanding_capacity}\n";

bool has(const std::string& message, const std::string& part) {
  return message.find(part) != std::string::npos;
}

// Each pool's instances get G GPUs, every request is served, and the moe block lists each
// pool's G; 6 H100s at the preset's 4.176 USD/h.
TEST_F(PoolExpertParallel, TwoPoolsOfEp2AndEp4RunWithTheirOwnGroups) {
  const auto s = run(write("two", kTwoPools));
  EXPECT_EQ(s["requests"]["completed"].get<int>(), 60);
  const auto& util = s["utilization"];
  for (const char* d : {"inst0.gpu0", "inst0.gpu1", "inst1.gpu0", "inst1.gpu3"})
    EXPECT_TRUE(util.contains(d)) << d;
  EXPECT_FALSE(util.contains("inst0.gpu2"));
  EXPECT_FALSE(util.contains("inst1.gpu4"));
  EXPECT_EQ(s["moe"]["pool_expert_parallel"], nlohmann::json::array({2, 4}));
  EXPECT_EQ(s["moe"]["expert_parallel"].get<int>(), 2);
  EXPECT_NEAR(s["cost"]["usd_per_hour"].get<double>(), 6 * 4.176, 1e-9);
}

// The EP2 pool's KV capacity is its own: 30,223 blocks fit beside its weights, 30,224 do not
// (the EP4 pool holds up to 103,454, so the error can only be the EP2 pool's).
TEST_F(PoolExpertParallel, KvCapacityIsEachPoolsOwn) {
  const fs::path file = write("kv", kTwoPools);
  EXPECT_EQ(error(file, {"instance.kv_blocks=" + std::to_string(kEp2MaxKvBlocks)}), "");
  const std::string m = error(file, {"instance.kv_blocks=" + std::to_string(kEp2MaxKvBlocks + 1)});
  EXPECT_TRUE(has(m, "2 x 'h100-sxm'") && has(m, "kv_blocks <= " + std::to_string(kEp2MaxKvBlocks)))
      << m;
}

// Capacity-weighted routing: on the idle cluster the first request goes where (0 + 1) / rate is
// smallest, the EP4 instance (130.05 against 69.35 decode steps/s), and over the run the EP4
// instance serves more; least_outstanding sends the first request to instance 0 (a tie).
TEST_F(PoolExpertParallel, TheCapacityRouterWeighsTheEp4InstanceHigher) {
  const fs::path file = write("route", kTwoPools);
  run(file, {}, dir / "cap");
  const auto cap = instances(dir / "cap" / "requests.csv");
  ASSERT_EQ(cap.size(), 60u);
  EXPECT_EQ(cap.at(0), 1);
  int on_ep4 = 0;
  for (const auto& [id, inst] : cap) on_ep4 += inst == 1;
  EXPECT_GT(on_ep4, 30) << on_ep4 << " of 60 on the EP4 instance";
  run(file, {"cluster.router.policy=least_outstanding"}, dir / "lo");
  const auto lo = instances(dir / "lo" / "requests.csv");
  EXPECT_EQ(lo.at(0), 0);
}

// Everything but the resolved scenario and the moe block's way of naming the pools' G.
std::string outcome(nlohmann::json summary) {
  summary.erase("scenario");
  summary["moe"].erase("decode_expert_parallel");
  summary["moe"].erase("pool_expert_parallel");
  return summary.dump();
}

TEST_F(PoolExpertParallel, PrefillAndDecodePoolsRunAsTheSinglePoolKeys) {
  const auto keys = run(write("keys", "  prefill_instances: 1\n  decode_instances: 1\n"
                                      "  expert_parallel: 2\n  decode_expert_parallel: 4\n"));
  const auto pools = run(write("pools", "  pools:\n"
                                        "    - {count: 1, role: prefill, expert_parallel: 2}\n"
                                        "    - {count: 1, role: decode, expert_parallel: 4}\n"));
  EXPECT_EQ(outcome(keys), outcome(pools));
  EXPECT_EQ(keys["requests"]["completed"].get<int>(), 60);
  EXPECT_TRUE(pools["utilization"].contains("decode0.gpu3"));
  EXPECT_FALSE(pools["utilization"].contains("prefill0.gpu2"));
}

// A pool without expert parallelism splits the experts by tensor parallelism beside an EP pool.
TEST_F(PoolExpertParallel, APoolWithoutExpertParallelismRunsBesideOne) {
  const auto s = run(write("mixed", "  pools:\n"
                                    "    - {count: 1, expert_parallel: 2}\n"
                                    "    - {count: 1, tensor_parallel: 2}\n"));
  EXPECT_EQ(s["requests"]["completed"].get<int>(), 60);
  EXPECT_EQ(s["moe"]["pool_expert_parallel"], nlohmann::json::array({2, 0}));
  EXPECT_TRUE(s["utilization"].contains("inst1.gpu1"));
}

TEST_F(PoolExpertParallel, RefusedCombinationsNameThePoolsKey) {
  std::string m = error(write("dense", "  pools: [{count: 1, expert_parallel: 2}]\n", "llama-3-8b"));
  EXPECT_TRUE(has(m, "cluster.pools.0.expert_parallel") && has(m, "is dense")) << m;
  m = error(write("tp", "  pools: [{count: 1}, {count: 1, tensor_parallel: 2, expert_parallel: 2}]\n"));
  EXPECT_TRUE(has(m, "cluster.pools.1.tensor_parallel") && has(m, "set tensor_parallel to 1")) << m;
  m = error(write("split", "  pools: [{count: 1, expert_parallel: 2}, {count: 1, expert_parallel: 3}]\n"));
  EXPECT_TRUE(has(m, "cluster.pools.1.expert_parallel") &&
              has(m, "8 expert slots do not split evenly over 3 GPUs"))
      << m;
  m = error(write("nodes", "  pools: [{count: 1, expert_parallel: 8}]\n"),
            {"expert_parallel.gpus_per_node=3"});
  EXPECT_TRUE(has(m, "expert_parallel.gpus_per_node") && has(m, "cluster.pools.0.expert_parallel"))
      << m;
  m = error(write("both", "  expert_parallel: 2\n  pools: [{count: 1}]\n"));
  EXPECT_TRUE(has(m, "cluster.expert_parallel") && has(m, "each pool's expert_parallel")) << m;
  m = error(write("off", "  pools: [{count: 1, tensor_parallel: 2}]\n"), {"placement.policy=eplb"});
  EXPECT_TRUE(has(m, "a pool's expert_parallel")) << m;
}

}  // namespace
}  // namespace xpusim::scenario
