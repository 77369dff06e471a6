// Derived quantity of the hardware catalog: how many tokens of KV cache a reference model
// (Llama-3-8B, BF16) leaves room for on one device of each preset.
#include <gtest/gtest.h>

#include "model/presets.hpp"

namespace xpusim::model {
namespace {

double kv_capacity_tokens(const hw::DeviceSpec& d, const ModelSpec& m) {
  return (d.memory_bytes - m.weight_bytes()) / m.kv_bytes_per_token();
}

TEST(HardwareCatalog, KvCapacityForLlama3_8B) {
  const ModelSpec m = testing::load_model("llama-3-8b");
  // By hand: per layer 4096 (4096 + 2 x 1024) Q/K/V + 4096^2 O + 3 x 4096 x 14336 FFN + 2 x 4096
  // norms; 32 layers + 2 x 128256 x 4096 embedding and head + 4096 final norm = 8,030,261,248.
  const double params = 32.0 * (4096.0 * 6144 + 4096.0 * 4096 + 3.0 * 4096 * 14336 + 8192) +
                        2.0 * 128256 * 4096 + 4096;
  EXPECT_DOUBLE_EQ(m.total_params(), params);
  const double kv_per_token = 2.0 * 8 * 128 * 2 * 32;  // 131,072 bytes
  EXPECT_NEAR(kv_capacity_tokens(testing::load_device("h100-sxm"), m),
              (80e9 - 2 * params) / kv_per_token, 1e-6);  // ~487,800 tokens

  // A 16 GB TPU v5e chip cannot hold the 16.06 GB of weights at all (served with TP >= 2).
  EXPECT_LT(kv_capacity_tokens(testing::load_device("tpu-v5e"), m), 0);
  // Everything else holds the weights and at least 32 sequences of 2,048 tokens.
  for (const char* name : {"a100-80gb", "h100-sxm", "h200", "l4", "b200", "gb200", "h800", "h20",
                           "mi300x", "mi325x", "ascend-910b", "ascend-910c", "gaudi3", "tpu-v6e",
                           "l40s"}) {
    if (std::string(name) == "l4") continue;  // 24 GB: ~60k tokens, below 32 x 2048
    EXPECT_GT(kv_capacity_tokens(testing::load_device(name), m), 32 * 2048) << name;
  }
  EXPECT_GT(kv_capacity_tokens(testing::load_device("l4"), m), 50000);
  // Capacity orders as memory does: MI325X (256 GB) > H200 (141) > H20 (96) > H100 (80).
  EXPECT_GT(kv_capacity_tokens(testing::load_device("mi325x"), m),
            kv_capacity_tokens(testing::load_device("h200"), m));
  EXPECT_GT(kv_capacity_tokens(testing::load_device("h200"), m),
            kv_capacity_tokens(testing::load_device("h20"), m));
  EXPECT_GT(kv_capacity_tokens(testing::load_device("h20"), m),
            kv_capacity_tokens(testing::load_device("h100-sxm"), m));
}

}  // namespace
}  // namespace xpusim::model
