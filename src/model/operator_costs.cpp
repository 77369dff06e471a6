#include "xpusim/model/operator_costs.hpp"

#include <cmath>
#include <string>

#include "xpusim/core/error.hpp"

namespace xpusim::model {
namespace {

constexpr std::array<const char*, kOpCount> kOpNames{
    "input_norm", "qkv",           "rope",           "decode_attention", "prefill_attention",
    "out_proj",   "attn_residual", "post_norm",      "router",           "up_gate",
    "act",        "down",          "shared_experts", "ffn_residual",     "embedding",
    "final_norm", "lm_head"};

OpWork& at(OpWorks& w, Op op) { return w[static_cast<std::size_t>(op)]; }

// An RMSNorm reads and writes the activations and reads its weight vector.
OpWork norm(double tokens, double hidden, double bpe) {
  return {4.0 * tokens * hidden, (2.0 * tokens * hidden + hidden) * bpe};
}

// A GEMM of `tokens` rows through a k x n weight: weights read once (shared by the batch),
// inputs read and outputs written once.
OpWork gemm(double tokens, double k, double n, double bpe) {
  return {2.0 * tokens * k * n, (k * n + tokens * k + tokens * n) * bpe};
}

}  // namespace

OpClass op_class(Op op) {
  switch (op) {
    case Op::Qkv:
    case Op::OutProj:
    case Op::Router:
    case Op::UpGate:
    case Op::Down:
    case Op::SharedExperts:
    case Op::LmHead:
      return OpClass::Gemm;
    case Op::DecodeAttention:
    case Op::PrefillAttention:
      return OpClass::Attention;
    default:
      return OpClass::Memory;
  }
}

const char* op_name(Op op) { return kOpNames[static_cast<std::size_t>(op)]; }

LayerTokens LayerTokens::of(const BatchShape& b, bool with_prefill) {
  LayerTokens t;
  t.decode_seqs = static_cast<double>(b.decode_seqs);
  t.decode_context = static_cast<double>(b.decode_context_sum);
  if (with_prefill) {
    t.prefill_tokens = static_cast<double>(b.prefill_tokens);
    t.prefill_pairs = b.prefill_attention_pairs;
    t.prefill_cached = static_cast<double>(b.prefill_cached_sum);
  }
  return t;
}

double expected_distinct_experts(int experts, int top_k, double tokens) {
  if (experts <= 0 || tokens <= 0) return 0.0;
  const double e = experts;
  return e * (1.0 - std::pow(1.0 - top_k / e, tokens));
}

OperatorCosts::OperatorCosts(const ModelSpec& m, int tensor_parallel, bool routed_experts)
    : tp_(tensor_parallel), routed_experts_(routed_experts) {
  if (tp_ < 1) throw Error("tensor_parallel must be at least 1");
  if (m.num_heads % tp_ != 0)
    throw Error(
        "model '" + m.name + "': " + std::to_string(m.num_heads) +
        " attention heads do not split evenly over tensor_parallel = " + std::to_string(tp_));
  mla_ = m.is_mla();
  bpe_ = hw::bytes_per_element(m.dtype);
  hidden_ = m.hidden;
  vocab_ = m.vocab;
  const double h = m.hidden, hd = m.head_dim, heads = double(m.num_heads) / tp_;
  const double kv_bpe = hw::bytes_per_element(m.kv_dtype);
  if (!mla_) {
    // KV heads are replicated when there are fewer of them than devices.
    const double kv_heads = std::ceil(double(m.num_kv_heads) / tp_);
    q_width_ = heads * hd;
    qkv_out_ = q_width_ + 2.0 * kv_heads * hd;
    qkv_weights_ = h * qkv_out_;
    rope_width_ = q_width_ + kv_heads * hd;
    o_in_ = q_width_;
    kv_bytes_token_ = 2.0 * kv_heads * hd * kv_bpe;
    pair_flops_prefill_ = pair_flops_decode_ = 4.0 * heads * hd;  // QK^T and PV, 2 FLOPs/MAC
  } else {
    // MLA: the latent projection (and q_a) is replicated on every device, per-head parts split.
    const double rope = m.rope_head_dim, kvl = m.kv_lora_rank, ql = m.q_lora_rank;
    q_width_ = heads * (hd + rope);
    const double q_proj = ql > 0 ? h * ql + ql * q_width_ : h * q_width_;
    qkv_weights_ = q_proj + h * (kvl + rope) + kvl * heads * 2.0 * hd;
    qkv_out_ = q_width_ + (kvl + rope) + heads * 2.0 * hd;
    rope_width_ = heads * rope + rope;
    o_in_ = heads * hd;
    kv_bytes_token_ = (kvl + rope) * kv_bpe;  // the latent cache is replicated too
    // Prefill expands K and V per head; decode attends in the latent space ("absorbed").
    pair_flops_prefill_ = 2.0 * heads * (hd + rope) + 2.0 * heads * hd;
    pair_flops_decode_ = 2.0 * heads * (kvl + rope) + 2.0 * heads * kvl;
  }
  ffn_ = double(m.ffn_hidden) / tp_;
  expert_ffn_ = double(m.expert_ffn_hidden) / tp_;
  shared_ffn_ = double(m.num_shared_experts) * m.expert_ffn_hidden / tp_;
  experts_ = m.num_experts;
  top_k_ = m.experts_top_k;
}

void OperatorCosts::layer(const LayerTokens& t, bool moe_layer, OpWorks& out) const {
  out.fill(OpWork{});
  attention(t, out);
  if (moe_layer)
    moe_ffn(t.tokens(), out);
  else
    dense_ffn(t.tokens(), out);
}

void OperatorCosts::attention(const LayerTokens& t, OpWorks& out) const {
  const double n = t.tokens(), h = hidden_, b = bpe_;
  at(out, Op::InputNorm) = norm(n, h, b);
  at(out, Op::Qkv) = {2.0 * n * qkv_weights_, (qkv_weights_ + n * h + n * qkv_out_) * b};
  at(out, Op::Rope) = {3.0 * n * rope_width_, 2.0 * n * rope_width_ * b};
  if (t.decode_seqs > 0) {
    // Each decode token attends to its cached context and to itself; its KV is written once.
    const double pairs = t.decode_context + t.decode_seqs;
    at(out, Op::DecodeAttention) = {
        pairs * pair_flops_decode_,
        (pairs + t.decode_seqs) * kv_bytes_token_ + t.decode_seqs * (q_width_ + o_in_) * b};
  }
  if (t.prefill_tokens > 0) {
    // Reads the cached prefix and the new KV, writes the new KV; Q in, output out.
    const double kv_tokens = t.prefill_cached + 2.0 * t.prefill_tokens;
    at(out, Op::PrefillAttention) = {
        t.prefill_pairs * pair_flops_prefill_,
        kv_tokens * kv_bytes_token_ + t.prefill_tokens * (q_width_ + o_in_) * b};
  }
  at(out, Op::OutProj) = gemm(n, o_in_, h, b);
  at(out, Op::AttnResidual) = {n * h, 3.0 * n * h * b};
  at(out, Op::PostNorm) = norm(n, h, b);
}

void OperatorCosts::dense_ffn(double n, OpWorks& out) const {
  const double h = hidden_, b = bpe_;
  at(out, Op::UpGate) = gemm(n, h, 2.0 * ffn_, b);  // gate and up fused, as vLLM runs them
  at(out, Op::Act) = {3.0 * n * ffn_, 3.0 * n * ffn_ * b};
  at(out, Op::Down) = gemm(n, ffn_, h, b);
  at(out, Op::FfnResidual) = {n * h, 3.0 * n * h * b};
}

void OperatorCosts::moe_ffn(double n, OpWorks& out) const {
  const double h = hidden_, b = bpe_, e = experts_;
  at(out, Op::Router) = gemm(n, h, e, b);
  // Each token runs k experts; an expert's weights are read once if any token picks it.
  const double nk = n * top_k_;
  if (routed_experts_) {
    const double touched = expected_distinct_experts(experts_, top_k_, n);
    at(out, Op::UpGate) = {2.0 * nk * h * 2.0 * expert_ffn_,
                           (touched * 2.0 * h * expert_ffn_ + nk * h + 2.0 * nk * expert_ffn_) * b};
    at(out, Op::Act) = {3.0 * nk * expert_ffn_, 3.0 * nk * expert_ffn_ * b};
    at(out, Op::Down) = {2.0 * nk * expert_ffn_ * h,
                         (touched * expert_ffn_ * h + nk * expert_ffn_ + nk * h) * b};
  }
  if (shared_ffn_ > 0) {
    at(out, Op::SharedExperts) = {
        2.0 * n * h * 3.0 * shared_ffn_,
        (3.0 * h * shared_ffn_ + 2.0 * n * h + 3.0 * n * shared_ffn_) * b};
  }
  // Weighted combine of the k expert outputs plus the residual add.
  at(out, Op::FfnResidual) = {n * h * (top_k_ + 1.0), (nk * h + 2.0 * n * h) * b};
}

void OperatorCosts::head(const BatchShape& batch, OpWorks& out) const {
  out.fill(OpWork{});
  const double n = static_cast<double>(batch.total_tokens()), h = hidden_, b = bpe_;
  // Only the last position of each sequence produces logits (a prefill chunk is counted as
  // if it were its sequence's last).
  const double logits = static_cast<double>(batch.decode_seqs + batch.prefill_seqs);
  const double v = vocab_ / tp_;  // vocabulary-parallel embedding and LM head
  at(out, Op::Embedding) = {0.0, 2.0 * n * h * b};
  at(out, Op::FinalNorm) = norm(n, h, b);
  if (logits > 0) at(out, Op::LmHead) = gemm(logits, h, v, b);
}

}  // namespace xpusim::model
