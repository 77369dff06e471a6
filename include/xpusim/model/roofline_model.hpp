#pragma once
// Roofline execution time: each operator takes max(FLOPs / (peak * MFU), bytes / (bandwidth *
// efficiency)); operators of one layer are summed, times layers, plus tensor-parallel all-reduce
// and a fixed per-iteration overhead (scheduling, launch, sampling).
#include "xpusim/core/params.hpp"
#include "xpusim/model/execution_model.hpp"

namespace xpusim::model {

struct RooflineFactors {
  double prefill_mfu = 0.6;         // achieved fraction of peak FLOP/s on GEMMs in prefill
  double decode_mfu = 0.5;          // ... in decode-only iterations
  double attention_mfu = 0.4;       // prefill attention kernels
  double memory_efficiency = 0.8;   // achieved fraction of memory bandwidth
  double comm_efficiency = 0.8;     // achieved fraction of link bandwidth for all-reduce
  double iteration_overhead_s = 0;  // fixed CPU-side cost per iteration
  double per_layer_overhead_s = 0;  // kernel launch cost per layer
};

ParamSchema roofline_schema();
RooflineFactors roofline_factors_from_params(const Params& params);

class RooflineModel final : public ExecutionModel {
 public:
  RooflineModel(ModelSpec model, Placement placement, RooflineFactors factors);
  IterationCost estimate(const BatchShape& batch) const override;
  std::string name() const override { return "roofline"; }

  // Time of one ring all-reduce of `bytes` across the tensor-parallel group (0 when TP = 1).
  double allreduce_seconds(double bytes) const;

 private:
  ModelSpec model_;
  Placement placement_;
  RooflineFactors factors_;
};

}  // namespace xpusim::model
