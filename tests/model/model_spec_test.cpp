#include "xpusim/model/model_spec.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "hw/flat_preset.hpp"

namespace xpusim::model {
namespace {

ModelSpec load(const std::string& name) {
  return ModelSpec::binding().from(testing::read_named_preset("configs/models", name));
}

// Published totals (model cards / papers, docs/models.md). 3%: the counts here leave out
// biases-free small terms (rotary buffers, Qwen3's per-head q/k norms) and publishers round to
// two or three significant figures.
TEST(ModelPresets, TotalParamsMatchPublished) {
  const std::pair<const char*, double> published[] = {
      {"llama-2-7b", 6.74e9},   {"llama-3-8b", 8.03e9},    {"llama-2-70b", 68.98e9},
      {"mixtral-8x7b", 46.7e9}, {"qwen3-30b-a3b", 30.5e9}, {"deepseek-v2-lite", 15.7e9}};
  for (const auto& [name, total] : published) {
    const ModelSpec m = load(name);
    EXPECT_EQ(m.name, name);
    EXPECT_NEAR(m.total_params() / total, 1.0, 0.03) << name << ": " << m.total_params();
  }
}

TEST(ModelPresets, ActiveParamsMatchPublished) {
  // Mixtral (12.9B) and DeepSeek-V2-Lite (2.4B) publish counts without the embedding table,
  // as active_params() does; Qwen3's 3.3B includes the whole table, so add it back for Qwen.
  EXPECT_NEAR(load("mixtral-8x7b").active_params() / 12.9e9, 1.0, 0.03);
  EXPECT_NEAR(load("deepseek-v2-lite").active_params() / 2.4e9, 1.0, 0.03);
  const ModelSpec q = load("qwen3-30b-a3b");
  EXPECT_NEAR((q.active_params() + double(q.vocab - 1) * q.hidden) / 3.3e9, 1.0, 0.03);
  // A dense model touches everything except all but one embedding row.
  const ModelSpec l = load("llama-2-7b");
  EXPECT_DOUBLE_EQ(l.total_params() - l.active_params(), double(l.vocab - 1) * l.hidden);
}

TEST(ModelPresets, KvBytesPerToken) {
  // 2 (K and V) * kv_heads * head_dim * 2 bytes * layers, computed by hand.
  EXPECT_DOUBLE_EQ(load("llama-2-7b").kv_bytes_per_token(), 2.0 * 32 * 128 * 2 * 32);
  EXPECT_DOUBLE_EQ(load("llama-3-8b").kv_bytes_per_token(), 2.0 * 8 * 128 * 2 * 32);
  EXPECT_DOUBLE_EQ(load("llama-2-70b").kv_bytes_per_token(), 2.0 * 8 * 128 * 2 * 80);
  // MLA: (kv_lora_rank + rope_head_dim) * 2 bytes * layers.
  EXPECT_DOUBLE_EQ(load("deepseek-v2-lite").kv_bytes_per_token(), (512.0 + 64) * 2 * 27);
}

TEST(ModelPresets, MoeLayerCounts) {
  const ModelSpec d = load("deepseek-v2-lite");
  EXPECT_EQ(d.moe_layers(), 26);
  EXPECT_EQ(d.dense_layers(), 1);
  EXPECT_EQ(d.expert_groups, 1);  // n_group 1: no group-limited routing
  EXPECT_EQ(load("llama-2-7b").moe_layers(), 0);
}

// DeepSeek-V3 (config.json and technical report, docs/models.md): 61 layers of which the first
// 3 dense, 256 routed experts in 8 groups with 8 picked per token, 1 shared; 671B total and 37B
// activated (the report's counts, without the 14B multi-token-prediction module); FP8 weights
// (1 byte each) and a BF16 MLA cache of (512 + 64) x 2 bytes per layer.
TEST(ModelPresets, DeepSeekV3) {
  const ModelSpec v3 = load("deepseek-v3");
  EXPECT_EQ(v3.num_experts, 256);
  EXPECT_EQ(v3.expert_groups, 8);
  EXPECT_EQ(v3.experts_top_k, 8);
  EXPECT_EQ(v3.num_shared_experts, 1);
  EXPECT_EQ(v3.moe_layers(), 58);
  EXPECT_EQ(v3.dense_layers(), 3);
  EXPECT_NEAR(v3.total_params() / 671e9, 1.0, 0.03) << v3.total_params();
  EXPECT_NEAR(v3.active_params() / 37e9, 1.0, 0.03) << v3.active_params();
  EXPECT_EQ(v3.dtype, hw::DType::Fp8);
  EXPECT_DOUBLE_EQ(v3.weight_bytes(), v3.total_params());
  EXPECT_DOUBLE_EQ(v3.kv_bytes_per_token(), (512.0 + 64) * 2 * 61);
}

std::map<std::string, ParamValue> small_dense() {
  return {{"num_layers", std::int64_t{2}}, {"hidden", std::int64_t{64}},
          {"num_heads", std::int64_t{4}},  {"num_kv_heads", std::int64_t{2}},
          {"head_dim", std::int64_t{16}},  {"ffn_hidden", std::int64_t{128}},
          {"vocab", std::int64_t{100}}};
}

std::string failing_key(std::map<std::string, ParamValue> given) {
  try {
    ModelSpec::binding().from(given);
  } catch (const ParamError& e) {
    return e.key();
  }
  return "";
}

TEST(ModelSchema, CrossFieldChecksNameTheKey) {
  EXPECT_EQ(failing_key(small_dense()), "");
  auto g = small_dense();
  g["num_kv_heads"] = std::int64_t{3};
  EXPECT_EQ(failing_key(g), "num_kv_heads");
  g = small_dense();
  g["num_experts"] = std::int64_t{4};
  g["experts_top_k"] = std::int64_t{5};
  g["expert_ffn_hidden"] = std::int64_t{32};
  EXPECT_EQ(failing_key(g), "experts_top_k");
  g["experts_top_k"] = std::int64_t{2};
  g["first_dense_layers"] = std::int64_t{2};
  EXPECT_EQ(failing_key(g), "first_dense_layers");
  g = small_dense();
  g["ffn_hidden"] = std::int64_t{0};
  EXPECT_EQ(failing_key(g), "ffn_hidden");
  g = small_dense();
  g["rope_head_dim"] = std::int64_t{8};  // MLA-only setting without MLA
  EXPECT_EQ(failing_key(g), "rope_head_dim");
  g = small_dense();
  g["dtype"] = std::string("bfloat16");
  EXPECT_EQ(failing_key(g), "dtype");
}

}  // namespace
}  // namespace xpusim::model
