#include "xpusim/systems/expert_parallel_runner.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {

std::vector<double> to_double(const std::vector<std::int64_t>& v) { return {v.begin(), v.end()}; }

}  // namespace

ExpertParallelRunner::ExpertParallelRunner(MoeRunConfig config, policy::EpShape shape,
                                           const MoeCostModel& cost,
                                           workload::RoutingSource& routing,
                                           policy::ExpertPlacementPolicy& policy,
                                           MoeObserver& observer)
    : config_(config),
      shape_(shape),
      cost_(cost),
      routing_(routing),
      policy_(policy),
      observer_(observer),
      // Training: a replica's gradient goes back to its home copy, as large as the weights.
      layers_(shape, routing.layers(), config.tokens_per_micro_batch),
      move_factor_(config.training ? 2.0 : 1.0) {
  XPUSIM_CHECK(routing.experts() == shape.experts, "routing and shape disagree on experts");
  if (!config_.training) config_.micro_batches = 1;
}

TimeNs ExpertParallelRunner::run() {
  for (int step = 0; step < config_.steps; ++step) {
    if (config_.horizon_s > 0 && ns_to_seconds(now_) >= config_.horizon_s) break;
    run_step(step);
  }
  return now_;
}

// Batch-level placement of every layer; returns the copy time, which nothing hides.
double ExpertParallelRunner::place_batch(const std::vector<workload::ExpertLoads>& micro,
                                         double& bytes) {
  double seconds = 0;
  for (int l = 0; l < routing_.layers(); ++l) {
    std::vector<double> plan = layers_.predicted(l);
    if (config_.routing_replay) {
      std::fill(plan.begin(), plan.end(), 0.0);
      for (const auto& mb : micro)
        for (int e = 0; e < shape_.experts; ++e)
          plan[e] += static_cast<double>(mb[l][e]) / micro.size();
    }
    policy::ExpertLayout next = policy_.place_batch({shape_, plan, layers_.layout(l)});
    const AllToAll moves = layers_.install(l, std::move(next), cost_);
    seconds += moves.seconds * move_factor_;
    bytes += moves.bytes * move_factor_;
  }
  return seconds;
}

// Micro-batch-level refinement from the micro-batch's loads (exact under replay, else the
// previous micro-batch's); returns the copy time before any overlap.
double ExpertParallelRunner::place_micro_batch(const workload::ExpertLoads& loads, double& bytes) {
  double seconds = 0;
  for (int l = 0; l < routing_.layers(); ++l) {
    // Without replay: the latest micro-batch's loads, or before any, the history average.
    const std::vector<double> plan = config_.routing_replay ? to_double(loads[l])
                                     : last_micro_.empty()  ? layers_.predicted(l)
                                                            : to_double(last_micro_[l]);
    std::optional<policy::ExpertLayout> next =
        policy_.place_micro_batch({shape_, plan, layers_.layout(l)});
    if (!next) continue;
    const AllToAll moves = layers_.install(l, std::move(*next), cost_);
    seconds += moves.seconds * move_factor_;
    bytes += moves.bytes * move_factor_;
  }
  return seconds;
}

ExpertParallelRunner::Pass ExpertParallelRunner::run_layer(int step, int micro_batch, int layer,
                                                           const std::vector<std::int64_t>& loads) {
  const ExpertPass p =
      expert_pass(cost_, shape_, policy_, layers_.layout(layer), loads, config_.training);
  const double dense = cost_.dense_seconds(config_.tokens_per_micro_batch / shape_.gpus);
  const double fwd = dense + 2 * p.all_to_all_s + p.expert_s;
  const double ideal = dense + 2 * p.ideal_all_to_all_s + p.ideal_expert_s;

  MoeLayerRecord r;
  r.step = step, r.micro_batch = micro_batch, r.layer = layer;
  r.max_gpu_tokens = p.max_gpu_tokens, r.mean_gpu_tokens = p.mean_gpu_tokens;
  r.time_ns = seconds_to_ns(fwd), r.ideal_ns = seconds_to_ns(ideal);
  r.all_to_all_ns = seconds_to_ns(2 * p.all_to_all_s), r.all_to_all_bytes = 2 * p.all_to_all_bytes;
  observer_.on_layer(r);
  ++layer_passes_;
  Pass pass{fwd, ideal};
  if (config_.training) {
    // Backward: twice the forward compute (input and weight gradients), the same two
    // all-to-alls in reverse.
    const double bwd = 2 * (dense + p.expert_s) + 2 * p.all_to_all_s;
    const double ideal_bwd = 2 * (ideal - 2 * p.ideal_all_to_all_s) + 2 * p.ideal_all_to_all_s;
    r.backward = true;
    r.time_ns = seconds_to_ns(bwd), r.ideal_ns = seconds_to_ns(ideal_bwd);
    observer_.on_layer(r);
    ++layer_passes_;
    pass.seconds += bwd, pass.ideal += ideal_bwd;
  }
  return pass;
}

void ExpertParallelRunner::run_step(int step) {
  std::vector<workload::ExpertLoads> micro(config_.micro_batches);
  for (auto& mb : micro) routing_.next(mb);
  MoeStepRecord rec;
  rec.step = step;
  rec.start_ns = now_;
  double move_bytes = 0;
  double seconds = 0, ideal = 0;
  if (step % config_.rebalance_every == 0) seconds += place_batch(micro, move_bytes);
  double exposed_moves = seconds;
  double previous_micro = 0;
  for (int m = 0; m < config_.micro_batches; ++m) {
    const double copy = place_micro_batch(micro[m], move_bytes);
    const double hidden = config_.overlap_micro_batch_moves ? std::min(copy, previous_micro) : 0.0;
    exposed_moves += copy - hidden;
    seconds += copy - hidden;
    double micro_seconds = 0;
    for (int l = 0; l < routing_.layers(); ++l) {
      const Pass p = run_layer(step, m, l, micro[m][l]);
      micro_seconds += p.seconds;
      ideal += p.ideal;
    }
    seconds += micro_seconds;
    previous_micro = micro_seconds;
    last_micro_ = micro[m];
  }
  remember(micro);
  rec.time_ns = seconds_to_ns(seconds);
  rec.ideal_ns = seconds_to_ns(ideal);
  rec.weight_move_ns = seconds_to_ns(exposed_moves);
  rec.weight_move_bytes = move_bytes;
  rec.tokens = config_.tokens_per_micro_batch * config_.micro_batches;
  now_ += rec.time_ns;
  ++steps_done_;
  observer_.on_step(rec);
}

// Moving average of the per-micro-batch loads, the history a non-replay policy plans from.
void ExpertParallelRunner::remember(const std::vector<workload::ExpertLoads>& micro) {
  std::vector<double> mean(shape_.experts);
  for (int l = 0; l < routing_.layers(); ++l) {
    for (int e = 0; e < shape_.experts; ++e) {
      mean[e] = 0;
      for (const auto& mb : micro) mean[e] += static_cast<double>(mb[l][e]) / micro.size();
    }
    layers_.remember(l, mean, config_.history_weight);
  }
}

}  // namespace xpusim::systems
