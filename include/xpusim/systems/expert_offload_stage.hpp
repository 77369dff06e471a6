#pragma once
// The routed experts of a memory-limited serving instance that offloads them to host memory
// (docs/moe.md, "Offload in serving"): one GPU holds the dense weights and, per MoE layer, an
// expert cache; the other experts live in host DRAM and run after a PCIe fetch or on the CPU,
// as the offload policy decides. Each iteration the stage routes the batch's tokens (its own
// RoutingSource, so replay is deterministic) and runs every MoE layer through OffloadLayers,
// the moe_offload kind's layer code: the non-expert part of a layer (the execution model's
// estimate of the iteration without routed experts, split evenly over the decoder layers,
// dense layers first), then GPU experts, PCIe copies and CPU experts on three timelines. The
// host link's timeline carries over between iterations (a prefetch may land while idle).
#include <memory>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/model/batch_shape.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"
#include "xpusim/systems/offload_layers.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::systems {

struct OffloadServingConfig {
  int top_k = 1;         // experts per token (the model's)
  int model_layers = 1;  // decoder layers, dense ones included (>= the routing's MoE layers)
  int capacity = 0;      // experts per MoE layer in the GPU cache
  // Experts each layer's cache starts with; empty = every layer's lowest-numbered.
  std::vector<std::vector<int>> warm;
};

class ExpertOffloadStage {
 public:
  // `decode` and `prefill` (GEMM efficiencies of the two phases) outlive the stage (one pair
  // per pool of identical instances); so does `observer`.
  ExpertOffloadStage(OffloadServingConfig config, const OffloadCostModel& decode,
                     const OffloadCostModel& prefill,
                     std::unique_ptr<workload::RoutingSource> routing,
                     std::unique_ptr<policy::ExpertOffloadPolicy> policy,
                     OffloadObserver& observer);
  // Adds to `cost` (the execution model's estimate of `batch` without routed experts) what
  // the routed experts of an iteration starting at `now` add: the MoE layers' end minus the
  // estimate, never negative. An iteration with prefill tokens runs its experts at the prefill
  // efficiency. Publishes one record.
  void add_experts(const model::BatchShape& batch, TimeNs now, model::IterationCost& cost);
  int iterations() const { return iteration_; }
  const OffloadLayers& layers() const { return layers_; }

 private:
  OffloadServingConfig config_;
  const OffloadCostModel& decode_;
  const OffloadCostModel& prefill_;
  std::unique_ptr<workload::RoutingSource> routing_;
  std::unique_ptr<policy::ExpertOffloadPolicy> policy_;
  OffloadObserver& observer_;
  OffloadLayers layers_;
  workload::ExpertLoads loads_;
  int iteration_ = 0;
};

}  // namespace xpusim::systems
