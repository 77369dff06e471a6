#pragma once
// An MoE model's MoE layers under expert parallelism, step by step: training steps of
// micro-batches (forward and backward) or serving iterations (forward only). Each global batch
// the placement policy lays out expert replicas (weight copies cost link time), each
// micro-batch it may refine them, and every layer waits for its slowest GPU. Routing comes from
// a RoutingSource; under routing replay the policy sees the coming loads exactly, otherwise a
// moving average of history (docs/moe.md).
#include <cstdint>
#include <vector>

#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"
#include "xpusim/systems/expert_layers.hpp"
#include "xpusim/systems/moe_cost_model.hpp"
#include "xpusim/systems/moe_records.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::systems {

struct MoeRunConfig {
  bool training = true;
  int steps = 10;         // training steps, or serving iterations
  int micro_batches = 1;  // per step (training); serving uses 1
  double tokens_per_micro_batch = 0;
  bool routing_replay = false;            // placement sees the coming loads exactly
  double history_weight = 0.5;            // weight of the newest batch in the load moving average
  int rebalance_every = 1;                // global batches between batch-level placements
  bool overlap_micro_batch_moves = true;  // per-micro-batch copies hide behind the previous one
  double horizon_s = 0;  // stop starting steps once simulated time reaches this; 0 = none
};

class ExpertParallelRunner {
 public:
  ExpertParallelRunner(MoeRunConfig config, policy::EpShape shape, const MoeCostModel& cost,
                       workload::RoutingSource& routing, policy::ExpertPlacementPolicy& policy,
                       MoeObserver& observer);
  // Runs every step (or until the horizon); returns the simulated end time.
  TimeNs run();
  int steps_done() const { return steps_done_; }
  std::uint64_t layer_passes() const { return layer_passes_; }
  const policy::ExpertLayout& layout(int layer) const { return layers_.layout(layer); }

 private:
  struct Pass {
    double seconds = 0, ideal = 0;
  };
  void run_step(int step);
  double place_batch(const std::vector<workload::ExpertLoads>& micro, double& bytes);
  double place_micro_batch(const workload::ExpertLoads& loads, double& bytes);
  Pass run_layer(int step, int micro_batch, int layer, const std::vector<std::int64_t>& loads);
  void remember(const std::vector<workload::ExpertLoads>& micro);

  MoeRunConfig config_;
  policy::EpShape shape_;
  const MoeCostModel& cost_;
  workload::RoutingSource& routing_;
  policy::ExpertPlacementPolicy& policy_;
  MoeObserver& observer_;
  ExpertLayers layers_;                         // per MoE layer: layout, load history
  workload::ExpertLoads last_micro_;            // the latest micro-batch's actual loads
  double move_factor_;                          // copies per moved replica (weights, gradients)
  TimeNs now_ = 0;
  int steps_done_ = 0;
  std::uint64_t layer_passes_ = 0;
};

}  // namespace xpusim::systems
