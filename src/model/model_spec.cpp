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

namespace {

void check_moe(const ModelSpec& m) {
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

// A size as given is at most its cap before it is narrowed to the field's int.
void check_cap(const std::string& key, const ParamValue& value) {
  const std::int64_t v = std::get<std::int64_t>(value);
  const std::int64_t cap = size_cap(key);
  require(v <= cap, key.c_str(),
          "expected an integer <= " + std::to_string(cap) + ", got " + std::to_string(v) +
              " (larger sizes are not representable in the cost models)");
}

void check_shape(const ModelSpec& m) {
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
}

std::vector<std::pair<std::string, hw::DType>> dtype_choices() {
  std::vector<std::pair<std::string, hw::DType>> out;
  for (const auto& name : hw::dtype_names()) out.emplace_back(name, hw::parse_dtype(name));
  return out;
}

}  // namespace

const ParamBinding<ModelSpec>& ModelSpec::binding() {
  using C = ModelSpec;
  static const auto b =
      ParamBinding<C>()
          .string(XPUSIM_KEY(C, name), "model name (a preset's file name when left empty)")
          .integer(XPUSIM_KEY(C, num_layers), "", "transformer layers", kPositive)
          .required().check(check_cap)
          .integer(XPUSIM_KEY(C, hidden), "", "model (residual stream) width", kPositive)
          .required().check(check_cap)
          .integer(XPUSIM_KEY(C, num_heads), "", "attention (query) heads", kPositive)
          .required().check(check_cap)
          .integer(XPUSIM_KEY(C, num_kv_heads), "", "key/value heads (GQA); = num_heads for MHA",
                   kPositive)
          .required().check(check_cap)
          .integer(XPUSIM_KEY(C, head_dim), "", "width of one head (MLA: K-nope and V width)",
                   kPositive)
          .required().check(check_cap)
          .integer(XPUSIM_KEY(C, ffn_hidden), "",
                   "dense FFN width (and of an MoE model's dense layers)", kNonNegative)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, num_experts), "", "routed experts per MoE layer; 0 = dense model",
                   kNonNegative)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, experts_top_k), "", "routed experts each token runs", kNonNegative)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, expert_groups), "",
                   "expert groups of group-limited routing (HF config n_group); 1 = no groups; "
                   "EPLB's hierarchical mode packs groups onto nodes",
                   kPositive)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, num_shared_experts), "", "experts every token runs", kNonNegative)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, expert_ffn_hidden), "", "FFN width of one expert", kNonNegative)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, first_dense_layers), "",
                   "leading layers with a dense FFN (DeepSeek)", kNonNegative)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, vocab), "", "vocabulary size", kPositive)
          .required().check(check_cap)
          .integer(XPUSIM_KEY(C, kv_lora_rank), "", "MLA latent KV width; 0 = standard attention",
                   kNonNegative)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, rope_head_dim), "", "MLA decoupled rope width per head",
                   kNonNegative)
          .check(check_cap)
          .integer(XPUSIM_KEY(C, q_lora_rank), "", "MLA low-rank query width; 0 = direct projection",
                   kNonNegative)
          .check(check_cap)
          .boolean(XPUSIM_KEY(C, tied_embeddings),
                   "the LM head shares the embedding matrix (counted once in the weights)")
          .choice(XPUSIM_KEY(C, dtype), dtype_choices(), "weight and activation data type")
          .choice(XPUSIM_KEY(C, kv_dtype), dtype_choices(), "KV-cache data type")
          .rule(check_shape);
  return b;
}

}  // namespace xpusim::model
