#pragma once
// FLOPs and device-memory bytes of each operator of one transformer layer, and of the
// once-per-iteration embedding and LM head, on one device of a tensor-parallel group. The
// formulas (and their sources) are listed in docs/execution-model.md. Nothing here allocates:
// execution models call it once per simulated iteration.
#include <array>
#include <cstdint>

#include "xpusim/model/batch_shape.hpp"
#include "xpusim/model/model_spec.hpp"

namespace xpusim::model {

enum class Op : std::uint8_t {
  // per layer, in execution order
  InputNorm,
  Qkv,
  Rope,
  DecodeAttention,
  PrefillAttention,
  OutProj,
  AttnResidual,
  PostNorm,
  Router,
  UpGate,  // dense FFN, or the routed experts of an MoE layer (grouped GEMM)
  Act,
  Down,
  SharedExperts,
  FfnResidual,
  // once per iteration
  Embedding,
  FinalNorm,
  LmHead,
  kCount,
};
inline constexpr int kOpCount = static_cast<int>(Op::kCount);

// Which efficiency factor times an operator.
enum class OpClass : std::uint8_t { Gemm, Attention, Memory };
OpClass op_class(Op op);
const char* op_name(Op op);

struct OpWork {
  double flops = 0;
  double bytes = 0;
  bool empty() const { return flops == 0 && bytes == 0; }
};
using OpWorks = std::array<OpWork, kOpCount>;

// The tokens one layer processes: the whole batch, or only its decode part in layers that a
// layered-prefill iteration runs without the prefill tokens.
struct LayerTokens {
  double decode_seqs = 0;
  double decode_context = 0;  // sum of cached tokens over decode sequences
  double prefill_tokens = 0;
  double prefill_pairs = 0;   // causal (query, key) pairs of prefill attention
  double prefill_cached = 0;  // cached prefix tokens prefill attention reads
  double tokens() const { return decode_seqs + prefill_tokens; }
  static LayerTokens of(const BatchShape& batch, bool with_prefill);
};

// Expected number of distinct experts T tokens touch when each picks k of E uniformly and
// independently: E * (1 - (1 - k/E)^T). T = 1 gives k; T -> infinity gives E.
double expected_distinct_experts(int experts, int top_k, double tokens);

class OperatorCosts {
 public:
  // Throws xpusim::Error when the heads do not split evenly over `tensor_parallel` devices.
  // Without `routed_experts`, MoE layers leave out the routed experts' GEMMs (up/gate,
  // activation, down): expert parallelism times them elsewhere.
  OperatorCosts(const ModelSpec& model, int tensor_parallel, bool routed_experts = true);

  // Fills the per-layer entries of `out` (and zeroes the head entries).
  void layer(const LayerTokens& t, bool moe_layer, OpWorks& out) const;
  // Fills the once-per-iteration entries (embedding, final norm, LM head), zeroing the rest.
  void head(const BatchShape& batch, OpWorks& out) const;
  // Bytes of one all-reduce of the residual stream over `tokens` (per device, before the ring).
  double allreduce_bytes(double tokens) const { return tokens * hidden_ * bpe_; }
  // Megatron-style TP: after attention and after the FFN; none when TP = 1.
  int allreduces_per_layer() const { return tp_ > 1 ? 2 : 0; }
  // The vocabulary-parallel embedding sums partial lookups with one more all-reduce.
  int allreduces_per_iteration() const { return tp_ > 1 ? 1 : 0; }
  int tensor_parallel() const { return tp_; }

 private:
  void attention(const LayerTokens& t, OpWorks& out) const;
  void dense_ffn(double tokens, OpWorks& out) const;
  void moe_ffn(double tokens, OpWorks& out) const;

  int tp_;
  bool mla_;
  double bpe_, hidden_, vocab_;
  double qkv_weights_, qkv_out_, q_width_, rope_width_, o_in_;  // per device
  double kv_bytes_token_;  // KV per token per layer on one device
  double pair_flops_prefill_, pair_flops_decode_;
  double ffn_, expert_ffn_, shared_ffn_;  // per-device FFN widths
  int experts_, top_k_;
  bool routed_experts_;
};

}  // namespace xpusim::model
