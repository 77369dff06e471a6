#include "xpusim/systems/expert_offload_stage.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

ExpertOffloadStage::ExpertOffloadStage(OffloadServingConfig config, const OffloadCostModel& decode,
                                       const OffloadCostModel& prefill,
                                       std::unique_ptr<workload::RoutingSource> routing,
                                       std::unique_ptr<policy::ExpertOffloadPolicy> policy,
                                       OffloadObserver& observer)
    : config_(std::move(config)),
      decode_(decode),
      prefill_(prefill),
      routing_(std::move(routing)),
      policy_(std::move(policy)),
      observer_(observer),
      layers_(routing_->layers(), routing_->experts(), config_.capacity, config_.top_k,
              config_.warm) {
  XPUSIM_CHECK(config_.model_layers >= routing_->layers(),
               "offload stage: fewer decoder layers than MoE layers");
}

void ExpertOffloadStage::add_experts(const model::BatchShape& batch, TimeNs now,
                                     model::IterationCost& cost) {
  const std::int64_t tokens = batch.total_tokens();
  routing_->next_sized(loads_, tokens, config_.top_k);
  const bool prefill = batch.prefill_tokens > 0;
  const OffloadCostModel& c = prefill ? prefill_ : decode_;
  const int moe = layers_.layers();
  // The estimate without routed experts, spread evenly over the decoder layers; the dense
  // layers run first (DeepSeek's first_k_dense_replace), then each MoE layer's share precedes
  // its experts.
  const double per_layer = ns_to_seconds(cost.time_ns) / config_.model_layers;
  const double start = ns_to_seconds(now);
  double t = start + (config_.model_layers - moe) * per_layer;
  OffloadIterationRecord rec;
  rec.iteration = iteration_;
  rec.tokens = static_cast<double>(tokens);
  for (int l = 0; l < moe; ++l)
    t = layers_.run_layer(l, loads_[l], t, per_layer, prefill, c, *policy_, rec,
                          routing_->token_routes());
  rec.added_ns = std::max<TimeNs>(0, seconds_to_ns(t) - now - cost.time_ns);
  cost.time_ns += rec.added_ns;
  rec.time_ns = cost.time_ns;
  observer_.on_iteration(rec);
  ++iteration_;
}

}  // namespace xpusim::systems
