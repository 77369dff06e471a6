#pragma once
// The shape of an LLM or MoE model: enough to count FLOPs and bytes of every operator.
// Presets live in configs/models/ (sources in docs/models.md).
#include <string>

#include "xpusim/core/params.hpp"
#include "xpusim/hw/device_spec.hpp"

namespace xpusim::model {

struct ModelSpec {
  std::string name;
  int num_layers = 0;
  int hidden = 0;
  int num_heads = 0;
  int num_kv_heads = 0;
  int head_dim = 0;
  int ffn_hidden = 0;          // dense FFN width (and of dense layers in an MoE model)
  int num_experts = 0;         // 0 = dense model
  int experts_top_k = 0;
  int num_shared_experts = 0;
  int expert_ffn_hidden = 0;   // per routed/shared expert
  int first_dense_layers = 0;  // MoE models whose first layers are dense (DeepSeek)
  int vocab = 0;
  int kv_lora_rank = 0;        // MLA: compressed KV width per token per layer; 0 = standard MHA/GQA
  int rope_head_dim = 0;       // MLA: decoupled rope key width
  hw::DType dtype = hw::DType::Bf16;     // weights and activations
  hw::DType kv_dtype = hw::DType::Bf16;  // KV cache

  bool is_moe() const { return num_experts > 0; }
  int moe_layers() const { return is_moe() ? num_layers - first_dense_layers : 0; }
  double total_params() const;   // all weights
  double active_params() const;  // weights a single token touches
  double weight_bytes() const { return total_params() * hw::bytes_per_element(dtype); }
  // KV bytes one token occupies across all layers.
  double kv_bytes_per_token() const;
};

ParamSchema model_schema();
ModelSpec model_spec_from_params(const Params& params);

}  // namespace xpusim::model
