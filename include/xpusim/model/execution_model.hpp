#pragma once
// Turns an iteration's work into time on a device group. Implementations: roofline (analytic,
// with efficiency factors) and profile tables (measured operator timings, interpolated).
#include <memory>
#include <optional>
#include <string>

#include "xpusim/core/time.hpp"
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/batch_shape.hpp"
#include "xpusim/model/model_spec.hpp"

namespace xpusim::model {

struct IterationCost {
  TimeNs time_ns = 0;     // wall time of the iteration on the instance
  double flops = 0;       // per device (after tensor-parallel split)
  double bytes = 0;       // device-memory bytes moved per device
  double comm_ns = 0;     // part of time_ns spent in tensor-parallel all-reduce
  // Fraction of the device's dynamic power range drawn while busy, in [0, 1]: the larger of
  // achieved compute and memory utilisation over the iteration (see docs/execution-model.md).
  double activity = 0;
};

// Where the model runs: one device kind, `tensor_parallel` devices in lockstep joined by a link.
struct Placement {
  hw::DeviceSpec device;
  int tensor_parallel = 1;
  double tp_link_bw_bytes_per_s = 0;  // all-reduce bus bandwidth; 0 = device scale-up bandwidth
  double tp_link_latency_s = 0;
  // > 1: the MoE layers' routed experts run expert-parallel over this many devices and are
  // timed by the serving instance's ExpertParallelStage (docs/moe.md, "Expert parallelism in
  // serving"); the execution model leaves them out of its MoE layers.
  int expert_parallel = 1;
  // >= 0: the routed experts live in host memory and the GPU caches this many per MoE layer;
  // the serving instance's ExpertOffloadStage times them and the execution model leaves them
  // out (docs/moe.md, "Offload in serving"). -1: no offload.
  int offload_cached_experts = -1;
  bool routed_experts_timed_here() const {
    return expert_parallel <= 1 && offload_cached_experts < 0;
  }
};

class ExecutionModel {
 public:
  virtual ~ExecutionModel() = default;
  virtual IterationCost estimate(const BatchShape& batch) const = 0;
  virtual std::string name() const = 0;
  // Seconds one device of the placement spends on the routed experts' FFN GEMMs (gate/up and
  // down projections) for `tokens` token-expert pairs spread over `active_experts` experts, each
  // expert's weights read once, at the prefill GEMM efficiency (`prefill`) or the decode one; 0
  // for tokens <= 0. Expert parallelism and expert offload time routed experts with it, outside
  // estimate() (Placement::routed_experts_timed_here). std::nullopt: this model cannot time a
  // routed expert apart from its layers (the default); the serving loader then refuses those
  // features at `execution.model` (docs/execution-model.md, "Routed experts").
  virtual std::optional<double> routed_expert_seconds(double /*tokens*/, int /*active_experts*/,
                                                      bool /*prefill*/) const {
    return std::nullopt;
  }
};

}  // namespace xpusim::model
