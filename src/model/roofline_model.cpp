#include "xpusim/model/roofline_model.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::model {

std::optional<double> RooflineModel::routed_expert_seconds(double tokens, int active_experts,
                                                           bool prefill) const {
  if (tokens <= 0) return 0.0;
  const double bpe = hw::bytes_per_element(model_.dtype);
  const double hidden_bytes = model_.hidden * bpe;
  const double expert_bytes = model_.expert_params() * bpe;
  const double flops_per_token = 2.0 * model_.expert_params();  // gated FFN: three GEMMs
  const OpWork w{tokens * flops_per_token,
                 active_experts * expert_bytes + tokens * 4.0 * hidden_bytes};
  return op_seconds(Op::UpGate, w, prefill);
}
namespace {

// Efficiencies below 1e-6 and fixed costs above 1000 s make one operator outlast the int64-ns
// horizon (docs/errors.md, "Representable sizes").
const Bounds kFraction{.min = 1e-6, .max = 1};
const Bounds kOverhead{.min = 0, .max = 1e3};

// The peak the model's GEMMs run at. Without native math for the weight type (FP8 on A100,
// INT4 anywhere) kernels dequantise to 16-bit and run at the BF16 peak.
double compute_peak(const hw::DeviceSpec& d, hw::DType t) {
  switch (t) {
    case hw::DType::Fp32:
      return d.peak_fp32_flops;
    case hw::DType::Fp8:
      if (d.peak_fp8_flops > 0) return d.peak_fp8_flops;
      break;
    case hw::DType::Int8:
      if (d.peak_int8_ops > 0) return d.peak_int8_ops;
      break;
    default:
      break;
  }
  return d.peak_bf16_flops;
}

double link_bandwidth(const Placement& p) {
  if (p.tp_link_bw_bytes_per_s > 0) return p.tp_link_bw_bytes_per_s;
  if (p.device.scaleup_bw_bytes_per_s > 0) return p.device.scaleup_bw_bytes_per_s;
  return p.device.pcie_bw_bytes_per_s;  // no NVLink: GPUs reduce over PCIe
}

}  // namespace

const ParamBinding<RooflineFactors>& roofline_binding() {
  using F = RooflineFactors;
  static const auto b =
      ParamBinding<F>()
          .real(XPUSIM_KEY(F, prefill_mfu), "", "fraction of peak FLOP/s GEMMs reach with prefill",
                kFraction)
          .real(XPUSIM_KEY(F, decode_mfu), "", "fraction of peak FLOP/s GEMMs reach in decode",
                kFraction)
          .real(XPUSIM_KEY(F, attention_mfu), "", "fraction of peak FLOP/s of attention",
                kFraction)
          .real(XPUSIM_KEY(F, memory_efficiency), "", "fraction of memory bandwidth reached",
                kFraction)
          .real(XPUSIM_KEY(F, comm_efficiency), "",
                "fraction of link bandwidth an all-reduce reaches", kFraction)
          .real(XPUSIM_KEY(F, iteration_overhead_s), "s",
                "fixed CPU-side cost per iteration (scheduling, sampling)", kOverhead)
          .real(XPUSIM_KEY(F, per_layer_overhead_s), "s", "fixed extra cost per layer",
                kOverhead)
          .real(XPUSIM_KEY(F, op_latency_s), "s", "fixed cost of every kernel", kOverhead)
          .real(XPUSIM_KEY(F, attention_half_tokens), "tokens",
                "prefill chunk at which attention reaches half of attention_mfu (0: flat)",
                Bounds{.min = 0, .max = 1e9})
          .real(XPUSIM_KEY(F, attention_memory_efficiency), "",
                "fraction of memory bandwidth attention kernels reach streaming K/V", kFraction)
          .real(XPUSIM_KEY(F, attention_latency_s), "s",
                "fixed cost of an attention kernel (instead of op_latency_s)", kOverhead)
          .real(XPUSIM_KEY(F, attention_seq_latency_s), "s",
                "extra attention cost per sequence in the batch, per layer", kOverhead);
  return b;
}

RooflineModel::RooflineModel(ModelSpec model, Placement placement, RooflineFactors factors)
    : model_(std::move(model)),
      placement_(std::move(placement)),
      factors_(factors),
      costs_(model_, placement_.tensor_parallel, placement_.routed_experts_timed_here()),
      peak_flops_(compute_peak(placement_.device, model_.dtype)),
      link_bw_(link_bandwidth(placement_)) {
  const auto in_unit = [](double x) { return x > 0 && x <= 1; };
  XPUSIM_CHECK(in_unit(factors_.prefill_mfu) && in_unit(factors_.decode_mfu) &&
                   in_unit(factors_.attention_mfu) && in_unit(factors_.memory_efficiency) &&
                   in_unit(factors_.comm_efficiency) &&
                   in_unit(factors_.attention_memory_efficiency),
               "roofline efficiency factors must be in (0, 1]");
  inv_gemm_prefill_ = 1.0 / (peak_flops_ * factors_.prefill_mfu);
  inv_gemm_decode_ = 1.0 / (peak_flops_ * factors_.decode_mfu);
  inv_attention_ = 1.0 / (peak_flops_ * factors_.attention_mfu);
  inv_memory_ = 1.0 / (placement_.device.memory_bw_bytes_per_s * factors_.memory_efficiency);
  inv_attention_memory_ =
      1.0 / (placement_.device.memory_bw_bytes_per_s * factors_.attention_memory_efficiency);
  if (peak_flops_ <= 0 || placement_.device.memory_bw_bytes_per_s <= 0)
    throw Error("device '" + placement_.device.name + "' has no compute peak or bandwidth for " +
                hw::to_string(model_.dtype));
  if (placement_.tensor_parallel > 1 && link_bw_ <= 0)
    throw Error("tensor_parallel = " + std::to_string(placement_.tensor_parallel) +
                " needs a link: device '" + placement_.device.name +
                "' has no scale-up or PCIe bandwidth and none was given");
}

double RooflineModel::allreduce_seconds(double bytes) const {
  const int tp = placement_.tensor_parallel;
  if (tp <= 1) return 0.0;
  // Ring all-reduce: each device sends and receives 2 (tp - 1) / tp of the buffer.
  // A scenario's tp_link latency replaces the device's measured all-reduce floor.
  const double latency = placement_.tp_link_latency_s > 0 ? placement_.tp_link_latency_s
                                                          : placement_.device.allreduce_latency_s;
  return 2.0 * (tp - 1) / tp * bytes / (link_bw_ * factors_.comm_efficiency) + latency;
}

double RooflineModel::op_seconds(Op op, const OpWork& work, bool has_prefill,
                                 double compute_slowdown) const {
  if (work.empty()) return 0.0;
  double inv_rate = inv_gemm_decode_;  // Memory ops: bandwidth-bound, compute never binds
  double inv_bw = inv_memory_, latency = factors_.op_latency_s;
  switch (op_class(op)) {
    case OpClass::Gemm:
      inv_rate = has_prefill ? inv_gemm_prefill_ : inv_gemm_decode_;
      break;
    case OpClass::Attention:
      inv_rate = inv_attention_;
      inv_bw = inv_attention_memory_;
      latency = factors_.attention_latency_s;
      break;
    case OpClass::Memory:
      break;
  }
  const double compute = work.flops * inv_rate * compute_slowdown;
  const double memory = work.bytes * inv_bw;
  return std::max(compute, memory) + latency;
}

double RooflineModel::attention_op_seconds(Op op, const LayerTokens& t, double prefill_seqs,
                                           const OpWork& work, double slowdown) const {
  if (work.empty()) return 0.0;
  if (op == Op::DecodeAttention)
    return op_seconds(op, work, false, slowdown) + t.decode_seqs * factors_.attention_seq_latency_s;
  // Short chunks leave the kernel's tiles and SMs idle: the rate grows as n / (n + half).
  const double n = prefill_seqs > 0 ? t.prefill_tokens / prefill_seqs : t.prefill_tokens;
  const double half = factors_.attention_half_tokens;
  const double stretch = half > 0 && n > 0 ? (n + half) / n : 1.0;
  return op_seconds(op, work, true, slowdown * stretch) +
         prefill_seqs * factors_.attention_seq_latency_s;
}

double RooflineModel::attention_seconds(const LayerTokens& t, double prefill_seqs,
                                        const OpWorks& work, double slowdown) const {
  constexpr int kDecode = static_cast<int>(Op::DecodeAttention);
  constexpr int kPrefill = static_cast<int>(Op::PrefillAttention);
  return attention_op_seconds(Op::DecodeAttention, t, prefill_seqs, work[kDecode], slowdown) +
         attention_op_seconds(Op::PrefillAttention, t, prefill_seqs, work[kPrefill], slowdown);
}

void RooflineModel::add_layers(const LayerTokens& t, double prefill_seqs, double count, bool moe,
                               double slowdown, Totals& s) const {
  if (count <= 0 || t.tokens() <= 0) return;
  OpWorks work;
  costs_.layer(t, moe, work);
  const bool has_prefill = t.prefill_tokens > 0;
  double seconds = 0, flops = 0, bytes = 0;
  for (int i = 0; i < kOpCount; ++i) {
    const Op op = static_cast<Op>(i);
    seconds += op_class(op) == OpClass::Attention
                   ? attention_op_seconds(op, t, prefill_seqs, work[i], slowdown)
                   : op_seconds(op, work[i], has_prefill, slowdown);
    flops += work[i].flops;
    bytes += work[i].bytes;
  }
  const double comm =
      costs_.allreduces_per_layer() * allreduce_seconds(costs_.allreduce_bytes(t.tokens()));
  s.seconds += count * (seconds + comm);
  s.comm_seconds += count * comm;
  s.flops += count * flops;
  s.bytes += count * bytes;
}

void RooflineModel::add_head(const BatchShape& batch, double slowdown, Totals& s) const {
  OpWorks work;
  costs_.head(batch, work);
  const bool has_prefill = batch.prefill_tokens > 0;
  for (int i = 0; i < kOpCount; ++i) {
    s.seconds += op_seconds(static_cast<Op>(i), work[i], has_prefill, slowdown);
    s.flops += work[i].flops;
    s.bytes += work[i].bytes;
  }
  const double comm = costs_.allreduces_per_iteration() *
                      allreduce_seconds(costs_.allreduce_bytes(double(batch.total_tokens())));
  s.seconds += comm;
  s.comm_seconds += comm;
}

RooflineModel::Totals RooflineModel::iteration_totals(const BatchShape& batch,
                                                      double slowdown) const {
  // Layered prefill: the prefill tokens go through a fraction of the layers this iteration;
  // the other layers run the decode tokens alone.
  const double with_prefill =
      batch.prefill_tokens > 0 ? std::clamp(batch.prefill_layer_fraction, 0.0, 1.0) : 1.0;
  const LayerTokens all = LayerTokens::of(batch, true);
  const LayerTokens decode_only = LayerTokens::of(batch, false);
  const double dense = model_.dense_layers(), moe = model_.moe_layers();
  const double seqs = double(batch.prefill_seqs);
  Totals s;
  add_layers(all, seqs, dense * with_prefill, false, slowdown, s);
  add_layers(all, seqs, moe * with_prefill, true, slowdown, s);
  add_layers(decode_only, 0, dense * (1.0 - with_prefill), false, slowdown, s);
  add_layers(decode_only, 0, moe * (1.0 - with_prefill), true, slowdown, s);
  add_head(batch, slowdown, s);
  s.seconds += factors_.per_layer_overhead_s * model_.num_layers + factors_.iteration_overhead_s;
  return s;
}

IterationCost RooflineModel::estimate(const BatchShape& batch) const {
  IterationCost cost;
  if (batch.empty()) return cost;
  const hw::DeviceSpec& d = placement_.device;
  // Locked clock (docs/hardware.md): compute at clock x peak, memory unchanged, and the draw at
  // the clock's share of the dynamic range. Without one, clock and fraction are exactly 1.
  const double clock = d.clock_ratio();
  const double slowdown = 1.0 / clock;
  Totals s = iteration_totals(batch, slowdown);
  const auto activity_of = [&](const Totals& t) {
    return d.activity(t.flops / (t.seconds * peak_flops_ * clock),
                      t.bytes / (t.seconds * d.memory_bw_bytes_per_s)) *
           d.clock_power_fraction();
  };
  double activity = activity_of(s);
  // Power cap (docs/hardware.md): the clock drops until the draw fits; compute-bound operators
  // slow by the activity ratio (dynamic power taken as linear in clock), memory-bound ones do
  // not, and the firmware holds the draw at the cap whatever remains.
  const double cap = d.max_activity();
  if (activity > cap) {
    s = iteration_totals(batch, slowdown * activity / cap);
    activity = std::min(activity_of(s), cap);
  }
  cost.time_ns = duration_ns_ceil(s.seconds);
  cost.flops = s.flops;
  cost.bytes = s.bytes;
  cost.comm_ns = s.comm_seconds * 1e9;
  cost.activity = activity;
  return cost;
}

}  // namespace xpusim::model
