#pragma once
// The serving engine's own CPU time per iteration (scheduling, input preparation, sampling,
// detokenisation, the API server) added around an ExecutionModel's GPU time, with the part an
// engine overlaps with the GPU (asynchronous scheduling) hidden behind it. Presets in
// configs/engines/, sources and formula in docs/execution-model.md ("Engine overheads").
#include <memory>
#include <string>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/model/execution_model.hpp"

namespace xpusim::model {

// The `engine` section (a preset in configs/engines/ with overrides): each key is bound to its
// field by binding(), microseconds into seconds.
struct EngineOverhead {
  std::string name = "custom";     // label of the preset (reports only)
  double fixed_s = 0;              // per iteration
  double per_seq_s = 0;            // per sequence in the batch (decode + prefill)
  double per_sampled_token_s = 0;  // per token sampled and returned this iteration
  double overlap = 0;              // fraction of the CPU time that runs while the GPU computes
  double gpu_time_scale = 1;       // multiplies the execution model's time (calibration)

  // CPU seconds of an iteration of this shape.
  double cpu_seconds(const BatchShape& batch) const;
  // Wall seconds of an iteration whose GPU part takes `gpu_s` (already scaled):
  //   gpu + (1 - overlap)·cpu + max(0, overlap·cpu - gpu).
  double iteration_seconds(double gpu_s, const BatchShape& batch) const;

  // name, fixed_us, per_seq_us, per_sampled_token_us, overlap, gpu_time_scale.
  static const ParamBinding<EngineOverhead>& binding();
};

// Contract: estimate() returns the inner model's cost with time_ns replaced by
// EngineOverhead::iteration_seconds (rounded up to the ns) and activity scaled by GPU time over
// wall time (the GPU idles while the CPU works); FLOPs, bytes and all-reduce time unchanged.
// Allocation-free, like the inner model.
class EngineOverheadModel final : public ExecutionModel {
 public:
  EngineOverheadModel(std::unique_ptr<ExecutionModel> inner, EngineOverhead engine);
  IterationCost estimate(const BatchShape& batch) const override;
  std::string name() const override { return inner_->name() + "+engine:" + engine_.name; }
  // The inner model's answer: the engine's overhead and gpu_time_scale are per iteration.
  std::optional<double> routed_expert_seconds(double tokens, int active_experts,
                                              bool prefill) const override {
    return inner_->routed_expert_seconds(tokens, active_experts, prefill);
  }
  const EngineOverhead& engine() const { return engine_; }

 private:
  std::unique_ptr<ExecutionModel> inner_;
  EngineOverhead engine_;
};

}  // namespace xpusim::model
