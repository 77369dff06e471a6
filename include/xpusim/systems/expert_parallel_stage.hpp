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
// kind. With `two_batch_overlap` the iteration runs as two micro-batches whose all-to-alls
// overlap each other's compute (two_batch_overlap.hpp).
#include <memory>

#include "xpusim/core/time.hpp"
#include "xpusim/model/batch_shape.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/systems/expert_layers.hpp"
#include "xpusim/systems/moe_records.hpp"
#include "xpusim/systems/two_batch_overlap.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::systems {

struct EpServingConfig {
  int top_k = 1;                      // experts per token (the model's)
  int rebalance_every = 1000;         // iterations between placements; 0 = never
  double history_weight = 0.5;        // weight of the newest iteration in the load average
  bool overlap_weight_moves = false;  // copies run behind the iteration (only excess shows)
  bool two_batch_overlap = false;     // two micro-batches, all-to-all behind compute
  int model_layers = 0;               // all layers of the model (spreads the base time per layer)
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
  // The iteration of `batch` starting at `now`: `exec`'s estimate of rank_shape(batch) (which
  // leaves the routed experts out) plus add_experts. With two_batch_overlap and a rank holding
  // two or more sequences, each micro-batch is estimated alone and every MoE layer composes as
  // overlapped_layer_seconds, its base time spread evenly over the model's layers.
  model::IterationCost estimate(const model::ExecutionModel& exec, const model::BatchShape& batch,
                                TimeNs now);
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
  struct Times {
    double seconds = 0, ideal = 0;
  };
  // Placement and refinement from the loads observed so far, then this iteration's routing.
  Moves begin(const model::BatchShape& batch, MoeStepRecord& rec);
  // Adds `routed` (+ the exposed weight moves) to `cost` and publishes the iteration.
  void finish(model::IterationCost& cost, Times routed, const Moves& moves, MoeStepRecord& rec);
  // One micro-batch's part of an MoE layer pass: its routed loads (all layers), whether it
  // prefills, and its share of the layer's attention and shared expert.
  struct MicroPass {
    const workload::ExpertLoads* loads = nullptr;
    bool prefill = false;
    double attention_s = 0;
  };
  // The two micro-batches' MoE layers (each layer's time, attention share included).
  Times overlapped(const model::BatchShape& batch, const MicroBatches& mb, double attention_a,
                   double attention_b);
  Times overlapped_layer(int layer, const MicroPass& a, const MicroPass& b, bool record);
  // Publishes one layer's record: `p` the pass (its all-to-all both ways), `seconds` and
  // `ideal` the routed time it adds.
  void publish_layer(int layer, const ExpertPass& p, double seconds, double ideal);
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
  workload::ExpertLoads loads_a_, loads_b_;     // scratch: the two micro-batches' shares
  std::vector<double> mean_;                    // scratch: one layer's loads as doubles
  int iteration_ = 0;
};

}  // namespace xpusim::systems
