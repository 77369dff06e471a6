#include "xpusim/systems/offload_runner.hpp"

namespace xpusim::systems {

OffloadRunner::OffloadRunner(OffloadRunConfig config, const OffloadCostModel& cost,
                             workload::RoutingSource& routing, policy::ExpertOffloadPolicy& policy,
                             OffloadObserver& observer)
    : config_(std::move(config)),
      cost_(cost),
      routing_(routing),
      policy_(policy),
      observer_(observer),
      layers_(routing.layers(), routing.experts(), config_.capacity, config_.top_k, config_.warm) {}

TimeNs OffloadRunner::run() {
  workload::ExpertLoads loads;
  const double dense_s = cost_.dense_seconds(config_.tokens_per_iteration);
  for (int it = 0; it < config_.iterations; ++it) {
    if (config_.horizon_s > 0 && now_ >= config_.horizon_s) break;
    routing_.next(loads);
    OffloadIterationRecord rec;
    rec.iteration = it;
    rec.tokens = config_.tokens_per_iteration;
    const double start = now_;
    for (int l = 0; l < routing_.layers(); ++l)
      now_ = layers_.run_layer(l, loads[l], now_, dense_s, config_.prefill, cost_, policy_, rec,
                               routing_.token_routes());
    rec.time_ns = seconds_to_ns(now_) - seconds_to_ns(start);
    ++done_;
    observer_.on_iteration(rec);
  }
  return seconds_to_ns(now_);
}

}  // namespace xpusim::systems
