// model: {hf_config: PATH}: Hugging Face config.json files read into the model description,
// checked against the hand-written presets and published parameter counts.
#include "xpusim/model/hf_config.hpp"

#include <gtest/gtest.h>

#include "hw/flat_preset.hpp"
#include "xpusim/build_paths.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/model/model_spec.hpp"

namespace xpusim::model {
namespace {

std::string hf_path(const std::string& name) {
  return std::string(XPUSIM_SOURCE_DIR) + "/configs/models/hf/" + name + "/config.json";
}

Params from_hf(const std::string& name) { return resolve_params(ModelSpec::binding().schema(), hf_config_params(hf_path(name))); }

// The shipped presets were copied by hand from these configs: both routes give the same
// resolved parameters, key for key (the name is the config's folder).
TEST(HfConfig, ShippedPresetsEqualTheirConfigs) {
  for (const char* name : {"llama-2-7b", "llama-2-70b", "llama-3-8b", "mixtral-8x7b",
                           "qwen3-30b-a3b", "deepseek-v2-lite", "deepseek-v3"}) {
    SCOPED_TRACE(name);
    const Params preset = resolve_params(ModelSpec::binding().schema(), testing::read_named_preset("configs/models", name));
    const Params hf = from_hf(name);
    for (const auto& [key, value] : preset.values()) {
      ASSERT_TRUE(hf.has(key)) << key;
      EXPECT_EQ(format_value(hf.values().at(key)), format_value(value)) << key;
    }
    EXPECT_EQ(hf.values().size(), preset.values().size());
  }
}

// Configs without a preset: total (and for MoE active) parameters against the model cards.
// 3% as in ModelPresets: biases (Qwen2's QKV bias) and per-head norms are not counted.
TEST(HfConfig, OtherArchitecturesMatchPublishedCounts) {
  const std::pair<const char*, double> published[] = {
      {"llama-3.1-8b", 8.03e9}, {"mistral-7b", 7.24e9}, {"qwen2-7b", 7.62e9},
      {"qwen3-32b", 32.8e9},    {"deepseek-v3", 671e9}, {"gemma-7b", 8.54e9},
      {"phi-3-mini", 3.82e9}};
  for (const auto& [name, total] : published) {
    const ModelSpec m = ModelSpec::binding().bind(from_hf(name));
    EXPECT_EQ(m.name, name);
    EXPECT_NEAR(m.total_params() / total, 1.0, 0.03) << name << ": " << m.total_params();
  }
  // DeepSeek-V3: 37B activated (technical report), MLA cache (512 + 64) x 2 bytes x 61 layers.
  const ModelSpec v3 = ModelSpec::binding().bind(from_hf("deepseek-v3"));
  EXPECT_NEAR(v3.active_params() / 37e9, 1.0, 0.03) << v3.active_params();
  EXPECT_DOUBLE_EQ(v3.kv_bytes_per_token(), (512.0 + 64) * 2 * 61);
  EXPECT_EQ(v3.q_lora_rank, 1536);
  EXPECT_EQ(v3.first_dense_layers, 3);
  // n_group 8 (group-limited routing; EPLB's hierarchical mode packs the groups onto nodes)
  // and the published FP8 weights (quantization_config), not the defaults 1 and BF16.
  EXPECT_EQ(v3.expert_groups, 8);
  EXPECT_EQ(v3.dtype, hw::DType::Fp8);
  EXPECT_EQ(v3.kv_dtype, hw::DType::Bf16);
  EXPECT_EQ(ModelSpec::binding().bind(from_hf("deepseek-v2-lite")).expert_groups, 1);
  // Gemma ties its LM head to the embedding: counted once (untied it would be 9.3B).
  EXPECT_TRUE(ModelSpec::binding().bind(from_hf("gemma-7b")).tied_embeddings);
  // Phi-3-mini has no head_dim key: 3072 / 32 heads = 96.
  EXPECT_EQ(ModelSpec::binding().bind(from_hf("phi-3-mini")).head_dim, 96);
}

std::string error_of(const std::string& json) {
  try {
    hf_config_params_from_text(json, "cfg.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(HfConfig, ErrorsNameFileKeyAndExpectation) {
  const std::string llama =
      R"("architectures": ["LlamaForCausalLM"], "hidden_size": 64, "num_attention_heads": 4,
         "num_hidden_layers": 2, "vocab_size": 100)";
  EXPECT_EQ(error_of("{" + llama + "}"),
            "cfg.json: key 'intermediate_size': missing (expected a positive integer)");
  EXPECT_EQ(error_of("{" + llama + R"(, "intermediate_size": "big"})"),
            "cfg.json: key 'intermediate_size': expected a positive integer (got \"big\")");
  const std::string unknown = error_of(R"({"architectures": ["FalconForCausalLM"]})");
  EXPECT_NE(unknown.find("cfg.json: key 'architectures': unknown architecture 'FalconForCausalLM'"),
            std::string::npos) << unknown;
  EXPECT_NE(unknown.find("DeepseekV3ForCausalLM"), std::string::npos) << unknown;  // lists them
  EXPECT_NE(error_of("{}").find("key 'architectures': missing"), std::string::npos);
  EXPECT_EQ(error_of("[1, 2"), "cfg.json: not a JSON object (expected a Hugging Face config.json)");
  // Features the model description cannot express are refused, not silently dropped.
  EXPECT_NE(error_of(R"({"architectures": ["Qwen3MoeForCausalLM"], "hidden_size": 64,
      "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 100, "num_experts": 4,
      "num_experts_per_tok": 2, "moe_intermediate_size": 32, "mlp_only_layers": [0]})")
                .find("key 'mlp_only_layers': expected []"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"architectures": ["DeepseekV2ForCausalLM"], "hidden_size": 64,
      "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 100,
      "qk_nope_head_dim": 16, "v_head_dim": 32})")
                .find("key 'v_head_dim': expected 16"),
            std::string::npos);
  EXPECT_NE(error_of("{" + llama + R"(, "intermediate_size": 0})").find("got 0"), std::string::npos);
  // A quantisation scheme other than FP8 is refused, not served at BF16.
  EXPECT_EQ(error_of("{" + llama + R"(, "intermediate_size": 128,
      "quantization_config": {"quant_method": "awq"}})"),
            "cfg.json: key 'quantization_config.quant_method': unsupported scheme 'awq' "
            "(expected \"fp8\"; for another, remove quantization_config and set model.dtype)");
  EXPECT_EQ(error_of("{" + llama + R"(, "intermediate_size": 128, "quantization_config": 3})"),
            "cfg.json: key 'quantization_config.quant_method': missing (expected \"fp8\")");
  EXPECT_NE(error_of(R"({"architectures": ["DeepseekV3ForCausalLM"], "hidden_size": 64,
      "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 100,
      "qk_nope_head_dim": 16, "v_head_dim": 16, "qk_rope_head_dim": 8, "kv_lora_rank": 32,
      "intermediate_size": 128, "n_routed_experts": 8, "num_experts_per_tok": 2,
      "moe_intermediate_size": 32, "n_group": 0})")
                .find("key 'n_group': expected a positive integer (got 0)"),
            std::string::npos);
}

TEST(HfConfig, UnreadableFileIsAnError) {
  EXPECT_THROW(hf_config_params("/nonexistent/config.json"), Error);
  EXPECT_EQ(hf_architectures().size(), 11u);
}

}  // namespace
}  // namespace xpusim::model
