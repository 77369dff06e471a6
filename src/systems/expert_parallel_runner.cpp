#include "xpusim/systems/expert_parallel_runner.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "xpusim/core/error.hpp"
#include "xpusim/policy/expert_placement/static_placement.hpp"

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
      move_factor_(config.training ? 2.0 : 1.0) {
  XPUSIM_CHECK(routing.experts() == shape.experts, "routing and shape disagree on experts");
  if (!config_.training) config_.micro_batches = 1;
  // Every run starts from the deployment's round-robin layout; uniform history.
  policy::StaticPlacement start;
  const std::vector<double> uniform(shape.experts, config_.tokens_per_micro_batch / shape.experts);
  const policy::ExpertLayout empty{std::vector<int>(shape.slots(), -1)};
  for (int l = 0; l < routing.layers(); ++l) {
    layouts_.push_back(start.place_batch({shape_, uniform, empty}));
    predicted_.push_back(uniform);
  }
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
    std::vector<double> plan = predicted_[l];
    if (config_.routing_replay) {
      std::fill(plan.begin(), plan.end(), 0.0);
      for (const auto& mb : micro)
        for (int e = 0; e < shape_.experts; ++e)
          plan[e] += static_cast<double>(mb[l][e]) / micro.size();
    }
    policy::ExpertLayout next = policy_.place_batch({shape_, plan, layouts_[l]});
    const AllToAll moves = cost_.weight_moves(layouts_[l], next);
    seconds += moves.seconds * move_factor_;
    bytes += moves.bytes * move_factor_;
    layouts_[l] = std::move(next);
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
                                     : last_micro_.empty()  ? predicted_[l]
                                                            : to_double(last_micro_[l]);
    std::optional<policy::ExpertLayout> next =
        policy_.place_micro_batch({shape_, plan, layouts_[l]});
    if (!next) continue;
    const AllToAll moves = cost_.weight_moves(layouts_[l], *next);
    seconds += moves.seconds * move_factor_;
    bytes += moves.bytes * move_factor_;
    layouts_[l] = std::move(*next);
  }
  return seconds;
}

ExpertParallelRunner::Pass ExpertParallelRunner::run_layer(int step, int micro_batch, int layer,
                                                           const std::vector<std::int64_t>& loads) {
  const policy::ExpertLayout& layout = layouts_[layer];
  const std::vector<double> gpu = policy_.schedule_tokens(shape_, layout, loads);
  const double total = std::accumulate(gpu.begin(), gpu.end(), 0.0);
  const double mean = total / shape_.gpus;
  const double dense = cost_.dense_seconds(config_.tokens_per_micro_batch / shape_.gpus);
  double slowest = 0, active_sum = 0, max_tokens = 0;
  for (int g = 0; g < shape_.gpus; ++g) {
    int active = 0;
    for (int s = g * shape_.slots_per_gpu; s < (g + 1) * shape_.slots_per_gpu; ++s)
      active += layout.phy2log[s] >= 0 && loads[layout.phy2log[s]] > 0 ? 1 : 0;
    active_sum += active;
    slowest = std::max(slowest, cost_.expert_seconds(gpu[g], active));
    max_tokens = std::max(max_tokens, gpu[g]);
  }
  const AllToAll a2a = cost_.all_to_all(gpu);
  const AllToAll ideal_a2a = cost_.all_to_all(std::vector<double>(shape_.gpus, mean));
  const int ideal_active = static_cast<int>(std::ceil(active_sum / shape_.gpus));
  const double fwd = dense + 2 * a2a.seconds + slowest;
  const double ideal = dense + 2 * ideal_a2a.seconds + cost_.expert_seconds(mean, ideal_active);

  MoeLayerRecord r;
  r.step = step, r.micro_batch = micro_batch, r.layer = layer;
  r.max_gpu_tokens = max_tokens, r.mean_gpu_tokens = mean;
  r.time_ns = seconds_to_ns(fwd), r.ideal_ns = seconds_to_ns(ideal);
  r.all_to_all_ns = seconds_to_ns(2 * a2a.seconds), r.all_to_all_bytes = 2 * a2a.bytes;
  observer_.on_layer(r);
  ++layer_passes_;
  Pass pass{fwd, ideal};
  if (config_.training) {
    // Backward: twice the forward compute (input and weight gradients), the same two
    // all-to-alls in reverse.
    const double bwd = 2 * (dense + slowest) + 2 * a2a.seconds;
    const double ideal_bwd = 2 * (ideal - 2 * ideal_a2a.seconds) + 2 * ideal_a2a.seconds;
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
  const double a = config_.history_weight;
  for (int l = 0; l < routing_.layers(); ++l)
    for (int e = 0; e < shape_.experts; ++e) {
      double mean = 0;
      for (const auto& mb : micro) mean += static_cast<double>(mb[l][e]) / micro.size();
      predicted_[l][e] = a * mean + (1 - a) * predicted_[l][e];
    }
}

}  // namespace xpusim::systems
