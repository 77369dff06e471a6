#pragma once
// MoE inference with experts offloaded to CPU memory: one GPU holds the dense weights and, per
// MoE layer, a cache of `capacity` experts; the rest live in host DRAM. Each layer's activated
// experts run from the cache, after a PCIe fetch, or on the CPU, as the offload policy decides;
// GPU, CPU and the PCIe link are three timelines, and a layer ends when its GPU and CPU work
// both end (docs/moe.md). The layers' cache and timing are OffloadLayers, shared with serving.
#include <cstdint>
#include <vector>

#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"
#include "xpusim/systems/offload_cost_model.hpp"
#include "xpusim/systems/offload_layers.hpp"
#include "xpusim/systems/offload_records.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::systems {

struct OffloadRunConfig {
  bool prefill = false;
  int iterations = 10;
  double tokens_per_iteration = 1;
  int capacity = 1;  // experts per layer in the GPU cache
  int top_k = 1;
  double horizon_s = 0;  // stop starting iterations once simulated time reaches this
  // Experts each layer's cache starts with (at most `capacity` each); empty = every layer's
  // lowest-numbered experts.
  std::vector<std::vector<int>> warm;
};

class OffloadRunner {
 public:
  OffloadRunner(OffloadRunConfig config, const OffloadCostModel& cost,
                workload::RoutingSource& routing, policy::ExpertOffloadPolicy& policy,
                OffloadObserver& observer);
  TimeNs run();
  int iterations_done() const { return done_; }
  std::uint64_t layer_passes() const { return layers_.layer_passes(); }
  bool resident(int layer, int expert) const { return layers_.resident(layer, expert); }

 private:
  OffloadRunConfig config_;
  const OffloadCostModel& cost_;
  workload::RoutingSource& routing_;
  policy::ExpertOffloadPolicy& policy_;
  OffloadObserver& observer_;
  OffloadLayers layers_;
  double now_ = 0;
  int done_ = 0;
};

}  // namespace xpusim::systems
