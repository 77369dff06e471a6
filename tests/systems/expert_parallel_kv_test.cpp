// KV room of an expert-parallel instance: every GPU holds the non-expert weights.
#include <gtest/gtest.h>

#include "model/presets.hpp"
#include "xpusim/systems/instance_config.hpp"

namespace xpusim::systems {
namespace {

using xpusim::testing::load_device;
using xpusim::testing::load_model;

// Under EP over G GPUs each GPU holds every non-expert weight and 1/G of the routed experts:
// G x (weights - routed) + routed in all. DeepSeek-V2-Lite: 26 MoE layers x 64 experts x
// 3 x 2048 x 1408 parameters routed.
TEST(ExpertParallelKv, KvRoomCountsEveryGpusNonExpertWeights) {
  const model::ModelSpec m = load_model("deepseek-v2-lite");
  const hw::DeviceSpec h100 = load_device("h100-sxm");
  InstanceConfig c;
  model::Placement ep{h100, 1, 0, 0};
  ep.expert_parallel = 8;
  const double routed = 26.0 * 64 * 3 * 2048 * 1408 * 2;
  const double weights = 8 * (m.weight_bytes() - routed) + routed;
  const double room = 8 * 80e9 * 0.9 - weights - 8 * 1e9;
  const double per_block = m.kv_bytes_per_token() * c.block_size;
  EXPECT_EQ(derive_kv_blocks(c, m, ep), static_cast<std::int64_t>(room / per_block));
}

}  // namespace
}  // namespace xpusim::systems
