#pragma once
// The shape of an LLM or MoE model: enough to count FLOPs and bytes of every operator.
// Presets live in configs/models/ (sources in docs/models.md).
#include <string>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/hw/device_spec.hpp"

namespace xpusim::model {

// What the `model` section binds into.
struct ModelSpec {
  std::string name;
  int num_layers = 0;
  int hidden = 0;
  int num_heads = 0;
  int num_kv_heads = 0;
  int head_dim = 0;
  int ffn_hidden = 0;   // dense FFN width (and of dense layers in an MoE model)
  int num_experts = 0;  // 0 = dense model
  int experts_top_k = 0;
  int expert_groups = 1;  // group-limited routing (DeepSeek n_group); 1 = no groups
  int num_shared_experts = 0;
  int expert_ffn_hidden = 0;   // per routed/shared expert
  int first_dense_layers = 0;  // MoE models whose first layers are dense (DeepSeek)
  int vocab = 0;
  int kv_lora_rank = 0;   // MLA: compressed KV width per token per layer; 0 = standard MHA/GQA
  int rope_head_dim = 0;  // MLA: decoupled rope key width
  int q_lora_rank = 0;    // MLA: low-rank query width (DeepSeek-V3); 0 = direct q projection
  bool tied_embeddings = false;  // LM head shares the embedding matrix (Gemma)
  hw::DType dtype = hw::DType::Bf16;     // weights and activations
  hw::DType kv_dtype = hw::DType::Bf16;  // KV cache

  bool is_moe() const { return num_experts > 0; }
  bool is_mla() const { return kv_lora_rank > 0; }
  int moe_layers() const { return is_moe() ? num_layers - first_dense_layers : 0; }
  int dense_layers() const { return num_layers - moe_layers(); }
  double total_params() const;  // all weights
  // Weights a single token multiplies: every layer's attention, the dense FFNs, top-k routed
  // plus shared experts, the router, norms and the LM head; of the embedding table only the
  // one row it looks up (docs/models.md explains this choice against published figures).
  double active_params() const;
  double weight_bytes() const { return total_params() * hw::bytes_per_element(dtype); }
  // KV bytes one token occupies across all layers: 2 * kv_heads * head_dim per layer, or for
  // MLA the compressed latent plus the rope key, (kv_lora_rank + rope_head_dim) per layer.
  double kv_bytes_per_token() const;
  double kv_bytes_per_token_per_layer() const;

  // Parameter counts of the pieces, shared by the totals above and the operator costs.
  double attention_params() const;  // per layer: Q, K, V (or MLA projections) and O
  double expert_params() const;     // one routed or shared expert (gated: 3 matrices)
  double dense_ffn_params() const;  // one dense gated FFN
  double norm_params() const;       // per layer

  // The keys of a model preset / inline model block, each bound to its field; sizes are
  // checked representable as given, and the rules spanning fields (heads divisible by KV
  // heads, top-k within the expert count...) throw ParamError naming the key.
  static const ParamBinding<ModelSpec>& binding();
};

}  // namespace xpusim::model
