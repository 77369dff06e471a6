#include "xpusim/model/hf_config.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "xpusim/core/error.hpp"

namespace xpusim::model {
namespace {

using Json = nlohmann::json;

enum class Family { Dense, Mixtral, Qwen3Moe, DeepSeek };

struct Arch {
  const char* name;
  Family family;
};

// Architecture name -> how its fields map (docs/models.md).
constexpr Arch kArchs[] = {
    {"LlamaForCausalLM", Family::Dense},         {"MistralForCausalLM", Family::Dense},
    {"Qwen2ForCausalLM", Family::Dense},         {"Qwen3ForCausalLM", Family::Dense},
    {"GemmaForCausalLM", Family::Dense},         {"Gemma2ForCausalLM", Family::Dense},
    {"Phi3ForCausalLM", Family::Dense},          {"MixtralForCausalLM", Family::Mixtral},
    {"Qwen3MoeForCausalLM", Family::Qwen3Moe},   {"DeepseekV2ForCausalLM", Family::DeepSeek},
    {"DeepseekV3ForCausalLM", Family::DeepSeek},
};

// Field reader that names the file, key and expectation in every error.
class Fields {
 public:
  Fields(const Json& j, std::string file) : j_(j), file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw Error(file_ + ": key '" + key + "': " + what);
  }
  bool has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  // A positive integer (min 0 when `allow_zero`).
  std::int64_t count(const std::string& key, bool allow_zero = false) const {
    const std::string expected = allow_zero ? "a non-negative integer" : "a positive integer";
    if (!has(key)) fail(key, "missing (expected " + expected + ")");
    const Json& v = j_.at(key);
    if (!v.is_number_integer()) fail(key, "expected " + expected + " (got " + v.dump() + ")");
    const auto n = v.get<std::int64_t>();
    if (n < (allow_zero ? 0 : 1)) fail(key, "expected " + expected + " (got " + v.dump() + ")");
    return n;
  }
  std::int64_t count_or(const std::string& key, std::int64_t fallback, bool allow_zero = false) const {
    return has(key) ? count(key, allow_zero) : fallback;
  }
  bool flag_or(const std::string& key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!j_.at(key).is_boolean()) fail(key, "expected true or false (got " + j_.at(key).dump() + ")");
    return j_.at(key).get<bool>();
  }
  const Json& at(const std::string& key) const { return j_.at(key); }

 private:
  const Json& j_;
  std::string file_;
};

Family family_of(const Json& j, const Fields& f) {
  std::string expected;
  for (const Arch& a : kArchs) expected += std::string(expected.empty() ? "" : ", ") + a.name;
  if (!f.has("architectures") || !j.at("architectures").is_array() || j.at("architectures").empty() ||
      !j.at("architectures")[0].is_string())
    f.fail("architectures", "missing (expected a list naming one of: " + expected + ")");
  const std::string name = j.at("architectures")[0].get<std::string>();
  for (const Arch& a : kArchs)
    if (name == a.name) return a.family;
  f.fail("architectures", "unknown architecture '" + name + "' (expected one of: " + expected + ")");
}

void attention(const Fields& f, std::map<std::string, ParamValue>& p) {
  const auto hidden = f.count("hidden_size");
  const auto heads = f.count("num_attention_heads");
  p["num_layers"] = f.count("num_hidden_layers");
  p["hidden"] = hidden;
  p["num_heads"] = heads;
  p["num_kv_heads"] = f.count_or("num_key_value_heads", heads);
  if (!f.has("head_dim") && hidden % heads != 0)
    f.fail("head_dim", "missing, and hidden_size is not a multiple of num_attention_heads");
  p["head_dim"] = f.count_or("head_dim", hidden / heads);
  p["vocab"] = f.count("vocab_size");
  if (f.flag_or("tie_word_embeddings", false)) p["tied_embeddings"] = true;
}

void qwen3_moe(const Fields& f, std::map<std::string, ParamValue>& p) {
  if (f.count_or("decoder_sparse_step", 1) != 1)
    f.fail("decoder_sparse_step", "expected 1 (every layer MoE; interleaved dense layers are not modelled)");
  if (f.has("mlp_only_layers") && !(f.at("mlp_only_layers").is_array() && f.at("mlp_only_layers").empty()))
    f.fail("mlp_only_layers", "expected [] (every layer MoE)");
  p["num_experts"] = f.count("num_experts");
  p["experts_top_k"] = f.count("num_experts_per_tok");
  p["expert_ffn_hidden"] = f.count("moe_intermediate_size");
}

void deepseek(const Fields& f, std::map<std::string, ParamValue>& p) {
  // MLA keeps one latent per token: no KV heads, so the spec takes num_kv_heads = num_heads.
  p["num_kv_heads"] = p["num_heads"];
  const auto nope = f.count("qk_nope_head_dim");
  if (f.count("v_head_dim") != nope)
    f.fail("v_head_dim", "expected " + std::to_string(nope) +
                             " (= qk_nope_head_dim; the spec has one head_dim for both)");
  p["head_dim"] = nope;
  p["rope_head_dim"] = f.count("qk_rope_head_dim");
  p["kv_lora_rank"] = f.count("kv_lora_rank");
  p["q_lora_rank"] = f.count_or("q_lora_rank", 0, true);  // null in V2-Lite: direct projection
  if (f.count_or("moe_layer_freq", 1) != 1)
    f.fail("moe_layer_freq", "expected 1 (every layer after the first dense ones is MoE)");
  p["ffn_hidden"] = f.count("intermediate_size");
  p["first_dense_layers"] = f.count_or("first_k_dense_replace", 0, true);
  p["num_experts"] = f.count("n_routed_experts");
  p["experts_top_k"] = f.count("num_experts_per_tok");
  p["expert_groups"] = f.count_or("n_group", 1);  // group-limited routing (V3: 8; V2-Lite: 1)
  p["num_shared_experts"] = f.count_or("n_shared_experts", 0, true);
  p["expert_ffn_hidden"] = f.count("moe_intermediate_size");
}

// `quantization_config`: the weights as published. FP8 (DeepSeek-V3's block-scaled e4m3) sets
// dtype fp8; torch_dtype (bfloat16 there too) is the precision of the unquantised parts and is
// not read. Another scheme is refused rather than silently served at BF16.
void quantization(const Fields& f, std::map<std::string, ParamValue>& p) {
  if (!f.has("quantization_config")) return;
  const Json& q = f.at("quantization_config");
  const std::string key = "quantization_config.quant_method";
  if (!q.is_object() || !q.contains("quant_method") || !q.at("quant_method").is_string())
    f.fail(key, "missing (expected \"fp8\")");
  const std::string method = q.at("quant_method").get<std::string>();
  if (method != "fp8")
    f.fail(key, "unsupported scheme '" + method +
                    "' (expected \"fp8\"; for another, remove quantization_config and set "
                    "model.dtype)");
  p["dtype"] = std::string("fp8");
}

}  // namespace

std::vector<std::string> hf_architectures() {
  std::vector<std::string> out;
  for (const Arch& a : kArchs) out.emplace_back(a.name);
  return out;
}

std::map<std::string, ParamValue> hf_config_params_from_text(const std::string& text,
                                                             const std::string& file) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw Error(file + ": not a JSON object (expected a Hugging Face config.json)");
  const Fields f(j, file);
  const Family family = family_of(j, f);
  std::map<std::string, ParamValue> p;
  attention(f, p);
  switch (family) {
    case Family::Dense:
      p["ffn_hidden"] = f.count("intermediate_size");
      break;
    case Family::Mixtral:  // every layer MoE; intermediate_size is the expert width
      p["num_experts"] = f.count("num_local_experts");
      p["experts_top_k"] = f.count("num_experts_per_tok");
      p["expert_ffn_hidden"] = f.count("intermediate_size");
      break;
    case Family::Qwen3Moe:
      qwen3_moe(f, p);
      break;
    case Family::DeepSeek:
      deepseek(f, p);
      break;
  }
  quantization(f, p);
  return p;
}

std::map<std::string, ParamValue> hf_config_params(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error(file.string() + ": cannot read file (expected a Hugging Face config.json)");
  std::ostringstream text;
  text << in.rdbuf();
  auto p = hf_config_params_from_text(text.str(), file.string());
  const bool generic = file.filename() == "config.json" && !file.parent_path().filename().empty();
  p["name"] = generic ? file.parent_path().filename().string() : file.stem().string();
  return p;
}

}  // namespace xpusim::model
