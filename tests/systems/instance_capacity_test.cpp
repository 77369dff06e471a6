// systems::instance_capacity against capacities computed by hand from the data sheets and
// Llama-3-8B's config.json (docs/serving.md, "Mixed clusters").
#include <gtest/gtest.h>

#include "model/presets.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/systems/instance_capacity.hpp"
#include "xpusim/systems/instance_config.hpp"

namespace xpusim::systems {
namespace {

// Llama-3-8B by hand: attention 4096 x (4096 + 2 x 8 x 128) + 4096 x 4096 = 41,943,040; FFN
// 3 x 4096 x 14336 = 176,160,768; two norms 8,192: 218,112,000 per layer, x 32 layers =
// 6,979,584,000. Active adds one embedding row, the LM head 128256 x 4096 = 525,336,576 and the
// final norm: 7,504,928,768. All weights add the whole embedding table instead of a row:
// 8,030,261,248, so 16,060,522,496 bytes in bf16.
constexpr double kActive = 7504928768.0;
constexpr double kWeightBytes = 16060522496.0;

TEST(InstanceCapacity, H100AndA100ServingLlama3_8bMatchTheHandComputation) {
  const model::ModelSpec llama = testing::load_model("llama-3-8b");
  const auto h100 = instance_capacity(testing::load_device("h100-sxm"), llama, 1);
  EXPECT_NEAR(h100.prefill_tokens_per_s, 989e12 / (2 * kActive), 1e-9 * h100.prefill_tokens_per_s);
  EXPECT_NEAR(h100.prefill_tokens_per_s, 65890.03, 0.01);  // 989e12 / 15,009,857,536
  EXPECT_NEAR(h100.decode_steps_per_s, 3350e9 / kWeightBytes, 1e-9);
  EXPECT_NEAR(h100.decode_steps_per_s, 208.586, 0.001);
  // Two A100s of one tensor-parallel instance: twice one A100's 312 TFLOP/s and 2,039 GB/s.
  const auto a100x2 = instance_capacity(testing::load_device("a100-80gb"), llama, 2);
  EXPECT_NEAR(a100x2.prefill_tokens_per_s, 2 * 312e12 / (2 * kActive), 1e-6);
  EXPECT_NEAR(a100x2.decode_steps_per_s, 2 * 2039e9 / kWeightBytes, 1e-9);
  // L40S: compute-rich for its bandwidth. Against an H100 it has 0.37x the prefill rate but
  // only 0.26x the decode rate, the contrast the phase-aware router uses.
  const auto l40s = instance_capacity(testing::load_device("l40s"), llama, 1);
  EXPECT_NEAR(l40s.prefill_tokens_per_s / h100.prefill_tokens_per_s, 362.05 / 989, 1e-12);
  EXPECT_NEAR(l40s.decode_steps_per_s / h100.decode_steps_per_s, 864.0 / 3350, 1e-12);
}

// Mixtral-8x7B under expert parallelism (hand computation in
// tests/scenario/pool_expert_parallel_test.cpp): 93,405,585,408 weight bytes, 90,194,313,216 of
// them routed experts; 12,748,857,344 active parameters. An EP G instance holds
// G x 3,211,272,192 + 90,194,313,216 bytes and reads them in one decode step, G GPUs in parallel.
TEST(InstanceCapacity, ExpertParallelInstancesCountTheReplicatedWeights) {
  const model::ModelSpec mixtral = testing::load_model("mixtral-8x7b");
  const hw::DeviceSpec h100 = testing::load_device("h100-sxm");
  constexpr double kEp2Bytes = 96616857600.0, kEp4Bytes = 103039401984.0;
  const auto ep2 = instance_capacity(h100, mixtral, 2, 2);
  const auto ep4 = instance_capacity(h100, mixtral, 4, 4);
  EXPECT_NEAR(ep2.decode_steps_per_s, 2 * 3350e9 / kEp2Bytes, 1e-9);
  EXPECT_NEAR(ep2.decode_steps_per_s, 69.346, 0.001);
  EXPECT_NEAR(ep4.decode_steps_per_s, 130.047, 0.001);
  EXPECT_NEAR(ep2.prefill_tokens_per_s, 2 * 989e12 / (2 * 12748857344.0), 1e-6);
  EXPECT_NEAR(ep4.prefill_tokens_per_s, 2 * ep2.prefill_tokens_per_s, 1e-6);
  // Tensor parallelism over 2 GPUs holds one copy: more decode steps than EP2 on the same GPUs.
  EXPECT_NEAR(instance_capacity(h100, mixtral, 2).decode_steps_per_s, 2 * 3350e9 / 93405585408.0,
              1e-9);
  // KV blocks of 16 tokens (2,097,152 bytes) in 0.9 of the memory less 1 GB per GPU:
  // (144e9 - 96,616,857,600 - 2e9) / 2,097,152 = 21,640.4 and (288e9 - 103,039,401,984 - 4e9)
  // / 2,097,152 = 86,288.7.
  model::Placement placement{h100, 1, 0, 0};
  placement.expert_parallel = 2;
  EXPECT_EQ(derive_kv_blocks(InstanceConfig{}, mixtral, placement), 21640);
  placement.expert_parallel = 4;
  EXPECT_EQ(derive_kv_blocks(InstanceConfig{}, mixtral, placement), 86288);
}

TEST(InstanceCapacity, ADeviceWithoutAPeakForTheModelsTypeIsAnError) {
  model::ModelSpec llama = testing::load_model("llama-3-8b");
  llama.dtype = hw::DType::Fp8;
  EXPECT_THROW(instance_capacity(testing::load_device("a100-80gb"), llama, 1), Error);
}

}  // namespace
}  // namespace xpusim::systems
