#include "xpusim/model/model_spec.hpp"

#include <cstdint>
#include <cstdio>

#include "xpusim/core/error.hpp"

namespace xpusim::model {
namespace {

const Bounds kPositive{.min = 1};
const Bounds kNonNegative{.min = 0};

void require(bool ok, const char* key, const std::string& msg) {
  if (!ok) throw ParamError(key, msg);  // the loader prefixes the key's location
}

}  // namespace

double ModelSpec::attention_params() const {
  const double h = hidden, q = static_cast<double>(num_heads) * head_dim;
  if (!is_mla()) return h * (q + 2.0 * num_kv_heads * head_dim) + q * h;
  // MLA (DeepSeek-V2): queries carry head_dim "nope" + rope_head_dim rope columns per head,
  // optionally through a low-rank q_lora_rank bottleneck; keys/values come from one shared
  // latent of kv_lora_rank (+ one rope key) expanded per head to K-nope and V of head_dim.
  const double q_cols = static_cast<double>(num_heads) * (head_dim + rope_head_dim);
  const double q_proj =
      q_lora_rank > 0 ? h * q_lora_rank + double(q_lora_rank) * q_cols : h * q_cols;
  const double kv_down = h * (kv_lora_rank + rope_head_dim);
  const double kv_up = static_cast<double>(kv_lora_rank) * num_heads * 2.0 * head_dim;
  return q_proj + kv_down + kv_up + q * h;
}

double ModelSpec::expert_params() const { return 3.0 * hidden * expert_ffn_hidden; }
double ModelSpec::dense_ffn_params() const { return 3.0 * hidden * ffn_hidden; }

double ModelSpec::norm_params() const {
  // Two RMSNorm weight vectors per layer; MLA adds norms on its latents.
  return 2.0 * hidden + (is_mla() ? double(kv_lora_rank) + q_lora_rank : 0.0);
}

double ModelSpec::total_params() const {
  const double per_layer_common = attention_params() + norm_params();
  const double moe_ffn =
      double(hidden) * num_experts + (num_experts + num_shared_experts) * expert_params();
  // Embedding and LM head (one matrix when tied), plus the final norm.
  const double embed_and_head = (tied_embeddings ? 1.0 : 2.0) * vocab * hidden + hidden;
  return dense_layers() * (per_layer_common + dense_ffn_params()) +
         moe_layers() * (per_layer_common + moe_ffn) + embed_and_head;
}

double ModelSpec::active_params() const {
  const double per_layer_common = attention_params() + norm_params();
  const double moe_ffn =
      double(hidden) * num_experts + (experts_top_k + num_shared_experts) * expert_params();
  const double embed_row_and_head = double(hidden) + double(vocab) * hidden + hidden;
  return dense_layers() * (per_layer_common + dense_ffn_params()) +
         moe_layers() * (per_layer_common + moe_ffn) + embed_row_and_head;
}

double ModelSpec::kv_bytes_per_token_per_layer() const {
  const double elems =
      is_mla() ? double(kv_lora_rank) + rope_head_dim : 2.0 * num_kv_heads * head_dim;
  return elems * hw::bytes_per_element(kv_dtype);
}

double ModelSpec::kv_bytes_per_token() const { return num_layers * kv_bytes_per_token_per_layer(); }

ParamSchema model_schema() {
  const auto dtypes = hw::dtype_names();
  ParamSchema s;
  s.string("name", "", "model name (a preset's file name when left empty)")
      .integer("num_layers", std::nullopt, "", "transformer layers", kPositive)
      .integer("hidden", std::nullopt, "", "model (residual stream) width", kPositive)
      .integer("num_heads", std::nullopt, "", "attention (query) heads", kPositive)
      .integer("num_kv_heads", std::nullopt, "", "key/value heads (GQA); = num_heads for MHA",
               kPositive)
      .integer("head_dim", std::nullopt, "", "width of one head (MLA: K-nope and V width)",
               kPositive)
      .integer("ffn_hidden", 0, "", "dense FFN width (and of an MoE model's dense layers)",
               kNonNegative)
      .integer("num_experts", 0, "", "routed experts per MoE layer; 0 = dense model", kNonNegative)
      .integer("experts_top_k", 0, "", "routed experts each token runs", kNonNegative)
      .integer("expert_groups", 1, "",
               "expert groups of group-limited routing (HF config n_group); 1 = no groups; "
               "EPLB's hierarchical mode packs groups onto nodes",
               kPositive)
      .integer("num_shared_experts", 0, "", "experts every token runs", kNonNegative)
      .integer("expert_ffn_hidden", 0, "", "FFN width of one expert", kNonNegative)
      .integer("first_dense_layers", 0, "", "leading layers with a dense FFN (DeepSeek)",
               kNonNegative)
      .integer("vocab", std::nullopt, "", "vocabulary size", kPositive)
      .integer("kv_lora_rank", 0, "", "MLA latent KV width; 0 = standard attention", kNonNegative)
      .integer("rope_head_dim", 0, "", "MLA decoupled rope width per head", kNonNegative)
      .integer("q_lora_rank", 0, "", "MLA low-rank query width; 0 = direct projection",
               kNonNegative)
      .boolean("tied_embeddings", false,
               "the LM head shares the embedding matrix (counted once in the weights)")
      .choice("dtype", "bf16", dtypes, "weight and activation data type")
      .choice("kv_dtype", "bf16", dtypes, "KV-cache data type");
  return s;
}

static void check_moe(const ModelSpec& m) {
  if (!m.is_moe()) {
    require(m.experts_top_k == 0 && m.expert_groups == 1 && m.num_shared_experts == 0 && m.expert_ffn_hidden == 0 &&
                m.first_dense_layers == 0,
            "experts_top_k", "expert settings need num_experts > 0");
    require(m.ffn_hidden > 0, "ffn_hidden", "a dense model needs ffn_hidden > 0");
    return;
  }
  require(m.experts_top_k >= 1 && m.experts_top_k <= m.num_experts, "experts_top_k",
          "must be in [1, num_experts = " + std::to_string(m.num_experts) + "]");
  require(m.num_experts % m.expert_groups == 0, "expert_groups",
          "must divide num_experts = " + std::to_string(m.num_experts));
  require(m.expert_ffn_hidden > 0, "expert_ffn_hidden", "an MoE model needs expert_ffn_hidden > 0");
  require(m.first_dense_layers < m.num_layers, "first_dense_layers",
          "must be below num_layers (" + std::to_string(m.num_layers) + ")");
  require(m.first_dense_layers == 0 || m.ffn_hidden > 0, "ffn_hidden",
          "dense layers (first_dense_layers > 0) need ffn_hidden > 0");
}

// Largest value of each size (docs/errors.md, "Representable sizes"): far above any published
// model (the largest vocabulary is ~256K, the widest layer ~53K, the most experts 256), and
// small enough that every product the cost models form (FLOPs and bytes of a step, in doubles
// converted to int64 ns) stays finite and below 2^63. A value above it is a range error naming
// the key, instead of an int overflow deep inside a cost model.
std::int64_t size_cap(const std::string& key) {
  if (key == "num_layers") return 10'000;
  if (key == "num_heads" || key == "num_kv_heads" || key == "num_experts") return 65'536;
  if (key == "experts_top_k" || key == "num_shared_experts" || key == "first_dense_layers")
    return 65'536;
  if (key == "vocab") return 16'777'216;  // 2^24
  return 1'048'576;                       // widths: 2^20
}

// A model over 1e15 parameters (a petabyte of weights at 8 bits; ~500x the largest published)
// is rejected: its FLOPs per token would no longer be simulable at any rate.
constexpr double kMaxParams = 1e15;

ModelSpec model_spec_from_params(const Params& p) {
  ModelSpec m;
  auto i = [&](const char* key) {
    const std::int64_t v = p.integer(key);
    const std::int64_t cap = size_cap(key);
    require(v <= cap, key,
            "expected an integer <= " + std::to_string(cap) + ", got " + std::to_string(v) +
                " (larger sizes are not representable in the cost models)");
    return static_cast<int>(v);
  };
  m.name = p.string("name");
  m.num_layers = i("num_layers");
  m.hidden = i("hidden");
  m.num_heads = i("num_heads");
  m.num_kv_heads = i("num_kv_heads");
  m.head_dim = i("head_dim");
  m.ffn_hidden = i("ffn_hidden");
  m.num_experts = i("num_experts");
  m.experts_top_k = i("experts_top_k");
  m.expert_groups = i("expert_groups");
  m.num_shared_experts = i("num_shared_experts");
  m.expert_ffn_hidden = i("expert_ffn_hidden");
  m.first_dense_layers = i("first_dense_layers");
  m.vocab = i("vocab");
  m.kv_lora_rank = i("kv_lora_rank");
  m.rope_head_dim = i("rope_head_dim");
  m.q_lora_rank = i("q_lora_rank");
  m.tied_embeddings = p.boolean("tied_embeddings");
  m.dtype = hw::parse_dtype(p.string("dtype"));
  m.kv_dtype = hw::parse_dtype(p.string("kv_dtype"));
  require(m.num_heads % m.num_kv_heads == 0, "num_kv_heads",
          "num_heads (" + std::to_string(m.num_heads) + ") must be a multiple of num_kv_heads (" +
              std::to_string(m.num_kv_heads) + ")");
  require(m.is_mla() || (m.rope_head_dim == 0 && m.q_lora_rank == 0), "rope_head_dim",
          "rope_head_dim and q_lora_rank are MLA settings and need kv_lora_rank > 0");
  require(!m.is_mla() || m.rope_head_dim > 0, "rope_head_dim", "MLA needs rope_head_dim > 0");
  check_moe(m);
  const double params = m.total_params();
  if (!(params <= kMaxParams)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", params);
    throw ParamError("hidden", std::string("the model has ") + buf +
                                   " parameters, above the representable 1e15 (check hidden, "
                                   "ffn_hidden, vocab, num_layers, num_experts)");
  }
  return m;
}

}  // namespace xpusim::model
