#pragma once
// Roofline execution time: each operator takes max(FLOPs / (peak * MFU), bytes / (bandwidth *
// efficiency)) plus a fixed per-kernel latency; operators of one layer are summed, times layers,
// plus tensor-parallel all-reduce and fixed per-layer and per-iteration overheads (scheduling,
// launch, sampling). Formulas, sources and the calibration are in docs/execution-model.md.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/model/operator_costs.hpp"

namespace xpusim::model {

// Efficiency factors. Defaults are calibrated (scripts/calibrate_roofline.py) against measured
// H100 and A100 GEMM timings for Llama-2-7B/70B at TP 1-8; attention and all-reduce are set
// from published kernel and NCCL figures (docs/execution-model.md).
struct RooflineFactors {
  double prefill_mfu = 0.71;        // achieved fraction of peak FLOP/s on GEMMs in prefill
  double decode_mfu = 0.49;         // ... in decode-only iterations (smaller GEMMs)
  double attention_mfu = 0.5;       // attention kernels (FlashAttention-class)
  double memory_efficiency = 0.77;  // achieved fraction of memory bandwidth
  double comm_efficiency = 0.7;     // achieved fraction of link bandwidth for all-reduce
  double iteration_overhead_s = 0;  // fixed CPU-side cost per iteration
  double per_layer_overhead_s = 0;  // extra fixed cost per layer (beyond op_latency_s)
  double op_latency_s = 3.5e-6;     // fixed cost of each kernel (launch, ramp-up, tail)
  // Attention by shape (docs/execution-model.md, "Attention by shape"). Prefill attention runs
  // at attention_mfu * n / (n + attention_half_tokens) of peak, n the mean new tokens per
  // prefill sequence (0 = flat attention_mfu); decode attention streams K/V at
  // attention_memory_efficiency of the bandwidth; each attention kernel costs
  // attention_latency_s instead of op_latency_s, plus attention_seq_latency_s per sequence.
  // Defaults keep the flat model; the values fitted to the measured H200 attention table are
  // 300, 0.9, 6e-6 and 1.8e-8 (docs/execution-model.md, "Attention by shape").
  double attention_half_tokens = 0;
  double attention_memory_efficiency = 0.77;
  double attention_latency_s = 3.5e-6;
  double attention_seq_latency_s = 0;
};

// Every factor bound to its key (the key is the field's name).
const ParamBinding<RooflineFactors>& roofline_binding();

class RooflineModel final : public ExecutionModel {
 public:
  // Throws xpusim::Error when the placement cannot run the model (heads not divisible by the
  // TP degree, TP without any link bandwidth).
  RooflineModel(ModelSpec model, Placement placement, RooflineFactors factors);
  IterationCost estimate(const BatchShape& batch) const override;
  std::string name() const override { return "roofline"; }
  // One operator of the GEMM efficiency (UpGate) over the experts' FLOPs (2 x expert params per
  // pair) and bytes (the active experts' weights, plus four hidden vectors per pair in and out).
  std::optional<double> routed_expert_seconds(double tokens, int active_experts,
                                              bool prefill) const override;

  // Time of one ring all-reduce of `bytes` across the tensor-parallel group (0 when TP = 1).
  double allreduce_seconds(double bytes) const;
  // Time of one operator on one device (0 when it has no work); `has_prefill` picks the GEMM
  // efficiency; `compute_slowdown` (>= 1) stretches the compute term, as a lowered clock under
  // a power cap does. Exposed for calibration and per-operator breakdowns.
  double op_seconds(Op op, const OpWork& work, bool has_prefill,
                    double compute_slowdown = 1.0) const;
  // Both attention operators of one layer for `tokens`, with the shape terms above;
  // `prefill_seqs` is the number of sequences sharing tokens.prefill_tokens.
  double attention_seconds(const LayerTokens& tokens, double prefill_seqs, const OpWorks& work,
                           double compute_slowdown = 1.0) const;
  const OperatorCosts& costs() const { return costs_; }
  const RooflineFactors& factors() const { return factors_; }
  double compute_peak_flops() const { return peak_flops_; }
  const hw::DeviceSpec& device() const { return placement_.device; }

 private:
  struct Totals {
    double seconds = 0, flops = 0, bytes = 0, comm_seconds = 0;
  };
  void add_layers(const LayerTokens& tokens, double prefill_seqs, double count, bool moe,
                  double slowdown, Totals& totals) const;
  void add_head(const BatchShape& batch, double slowdown, Totals& totals) const;
  Totals iteration_totals(const BatchShape& batch, double slowdown) const;
  // One attention operator (decode or prefill) with the shape terms.
  double attention_op_seconds(Op op, const LayerTokens& tokens, double prefill_seqs,
                              const OpWork& work, double slowdown) const;

  ModelSpec model_;
  Placement placement_;
  RooflineFactors factors_;
  OperatorCosts costs_;
  double peak_flops_;  // for the model's data type on this device
  // Reciprocal rates, so the per-operator hot path multiplies instead of dividing.
  double inv_gemm_prefill_ = 0, inv_gemm_decode_ = 0, inv_attention_ = 0, inv_memory_ = 0,
         inv_attention_memory_ = 0;
  double link_bw_;     // all-reduce bus bandwidth, bytes/s
};

}  // namespace xpusim::model
