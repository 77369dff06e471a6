#pragma once
// The routed experts of one serving instance's MoE layers under expert parallelism (docs/moe.md,
// "Expert parallelism in serving"). The instance's G GPUs run attention data-parallel (each an
// even share of the batch; the execution model times the busiest rank's share without routed
// experts) and the routed experts expert-parallel. Each iteration the stage routes the batch's
// tokens (a RoutingSource, one per instance, so replay is deterministic), splits them over the
// GPUs under the current layouts, and adds per MoE layer dispatch + the slowest GPU's experts +
// combine. Every `rebalance_every` iterations the placement policy lays out each layer again
// from the moving average of observed loads; the weight copies cost link time, hidden behind
// the iteration or not; a policy that refines per micro-batch (ReLibra) refines every iteration
// from the previous iteration's loads. It shares its routing, placement and cost code with the moe
// kind.
#include <memory>

#include "xpusim/core/time.hpp"
#include "xpusim/model/batch_shape.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/systems/expert_layers.hpp"
#include "xpusim/systems/moe_records.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::systems {

struct EpServingConfig {
  int top_k = 1;                      // experts per token (the model's)
  int rebalance_every = 1000;         // iterations between placements; 0 = never
  double history_weight = 0.5;        // weight of the newest iteration in the load average
  bool overlap_weight_moves = false;  // copies run behind the iteration (only excess shows)
};

class ExpertParallelStage {
 public:
  // `cost` outlives the stage (one per pool of identical instances).
  ExpertParallelStage(EpServingConfig config, const MoeCostModel& cost,
                      std::unique_ptr<workload::RoutingSource> routing,
                      std::unique_ptr<policy::ExpertPlacementPolicy> policy, MoeObserver& observer);
  // The busiest attention rank's share of `batch`. Sequences are spread whole over the G ranks
  // (a request lives on one data-parallel rank): the busiest holds ceil(n / G) of the n decode
  // and of the n prefill sequences, with their proportional share of the context, tokens,
  // cached tokens and causal pairs (rounded up). One long prompt thus lands on one rank.
  model::BatchShape rank_shape(const model::BatchShape& batch) const;
  // Adds the routed experts of every MoE layer of an iteration of `batch` starting at `now` to
  // `cost` (the execution model's estimate of rank_shape(batch)), and publishes one record per
  // layer and one per iteration.
  void add_experts(const model::BatchShape& batch, TimeNs now, model::IterationCost& cost);
  int iterations() const { return iteration_; }
  const ExpertLayers& layers() const { return layers_; }

 private:
  struct Moves {
    double seconds = 0, bytes = 0;
  };
  Moves rebalance();
  // The policy's per-iteration refinement (ReLibra's micro-batch placement) from the latest
  // iteration's loads, as the moe kind runs it in serving mode; adds its copies to `moves`.
  void refine(Moves& moves);
  // Routed-expert time (dispatch + experts + combine) of one layer pass; publishes it when
  // `record`.
  double layer_seconds(int layer, const workload::ExpertLoads& loads, bool prefill, bool record,
                       double& ideal);

  EpServingConfig config_;
  const MoeCostModel& cost_;
  policy::EpShape shape_;
  std::unique_ptr<workload::RoutingSource> routing_;
  std::unique_ptr<policy::ExpertPlacementPolicy> policy_;
  MoeObserver& observer_;
  ExpertLayers layers_;
  workload::ExpertLoads loads_, decode_loads_;  // this iteration's; its decode tokens' alone
  std::vector<double> mean_;                    // scratch: one layer's loads as doubles
  int iteration_ = 0;
};

}  // namespace xpusim::systems
