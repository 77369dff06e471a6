#include "xpusim/systems/expert_parallel_stage.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {

// ceil(x / g) for counts.
std::int64_t share_up(std::int64_t x, int g) { return (x + g - 1) / g; }

}  // namespace

ExpertParallelStage::ExpertParallelStage(EpServingConfig config, const MoeCostModel& cost,
                                         std::unique_ptr<workload::RoutingSource> routing,
                                         std::unique_ptr<policy::ExpertPlacementPolicy> policy,
                                         MoeObserver& observer)
    : config_(config),
      cost_(cost),
      shape_(cost.shape()),
      routing_(std::move(routing)),
      policy_(std::move(policy)),
      observer_(observer),
      layers_(shape_, routing_->layers(), 1.0),
      mean_(static_cast<std::size_t>(shape_.experts)) {
  XPUSIM_CHECK(routing_->experts() == shape_.experts, "routing and shape disagree on experts");
}

model::BatchShape ExpertParallelStage::rank_shape(const model::BatchShape& b) const {
  const int g = shape_.gpus;
  model::BatchShape r = b;
  // Whole sequences go to one rank each: the busiest has ceil(n / G) of the n sequences, and
  // their share of the tokens, context and pairs (sequences taken as of the mean size).
  if (b.decode_seqs > 0) {
    r.decode_seqs = share_up(b.decode_seqs, g);
    const double share = static_cast<double>(r.decode_seqs) / b.decode_seqs;
    r.decode_context_sum =
        static_cast<std::int64_t>(std::ceil(share * static_cast<double>(b.decode_context_sum)));
  }
  if (b.prefill_seqs > 0) {
    r.prefill_seqs = share_up(b.prefill_seqs, g);
    const double share = static_cast<double>(r.prefill_seqs) / b.prefill_seqs;
    r.prefill_tokens =
        static_cast<std::int64_t>(std::ceil(share * static_cast<double>(b.prefill_tokens)));
    r.prefill_cached_sum =
        static_cast<std::int64_t>(std::ceil(share * static_cast<double>(b.prefill_cached_sum)));
    r.prefill_attention_pairs = share * b.prefill_attention_pairs;
  }
  return r;
}

ExpertParallelStage::Moves ExpertParallelStage::rebalance() {
  Moves m;
  for (int l = 0; l < layers_.layers(); ++l) {
    policy::ExpertLayout next =
        policy_->place_batch({shape_, layers_.predicted(l), layers_.layout(l)});
    const AllToAll copies = layers_.install(l, std::move(next), cost_);
    m.seconds += copies.seconds;
    m.bytes += copies.bytes;
  }
  return m;
}

void ExpertParallelStage::refine(Moves& moves) {
  for (int l = 0; l < layers_.layers(); ++l) {
    if (iteration_ > 0)
      for (int e = 0; e < shape_.experts; ++e) mean_[e] = static_cast<double>(loads_[l][e]);
    const std::span<const double> plan = iteration_ > 0
                                             ? std::span<const double>(mean_)
                                             : std::span<const double>(layers_.predicted(l));
    std::optional<policy::ExpertLayout> next =
        policy_->place_micro_batch({shape_, plan, layers_.layout(l)});
    if (!next) continue;
    const AllToAll copies = layers_.install(l, std::move(*next), cost_);
    moves.seconds += copies.seconds;
    moves.bytes += copies.bytes;
  }
}

double ExpertParallelStage::layer_seconds(int layer, const workload::ExpertLoads& loads,
                                          bool prefill, bool record, double& ideal) {
  const ExpertPass p =
      expert_pass(cost_, shape_, *policy_, layers_.layout(layer), loads[layer], prefill);
  const double seconds = 2 * p.all_to_all_s + p.expert_s;
  ideal = 2 * p.ideal_all_to_all_s + p.ideal_expert_s;
  if (record) {
    MoeLayerRecord r;
    r.step = iteration_, r.layer = layer;
    r.max_gpu_tokens = p.max_gpu_tokens, r.mean_gpu_tokens = p.mean_gpu_tokens;
    r.time_ns = seconds_to_ns(seconds), r.ideal_ns = seconds_to_ns(ideal);
    r.all_to_all_ns = seconds_to_ns(2 * p.all_to_all_s);
    r.all_to_all_bytes = 2 * p.all_to_all_bytes;
    observer_.on_layer(r);
  }
  return seconds;
}

void ExpertParallelStage::add_experts(const model::BatchShape& batch, TimeNs now,
                                      model::IterationCost& cost) {
  MoeStepRecord rec;
  rec.step = iteration_;
  rec.start_ns = now;
  // Placement first, from the loads observed so far: the iteration runs on the new layout.
  Moves moves;
  if (config_.rebalance_every > 0 && iteration_ > 0 && iteration_ % config_.rebalance_every == 0) {
    moves = rebalance();
    rec.placed = true;
  }
  refine(moves);  // loads_ still holds the previous iteration's
  const std::int64_t tokens = batch.total_tokens();
  routing_->next_sized(loads_, tokens, config_.top_k);
  // Layered prefill: prefill tokens pass a fraction f of the layers; the others run the decode
  // tokens alone, routed as this iteration's loads scaled down to them.
  const bool prefill = batch.prefill_tokens > 0;
  const double f = prefill ? std::clamp(batch.prefill_layer_fraction, 0.0, 1.0) : 1.0;
  if (f < 1.0) {
    decode_loads_ = loads_;
    workload::rescale_loads(decode_loads_, batch.decode_seqs * config_.top_k);
  }
  double seconds = 0, ideal = 0;
  for (int l = 0; l < layers_.layers(); ++l) {
    double layer_ideal = 0;
    const double full = layer_seconds(l, loads_, prefill, true, layer_ideal);
    seconds += f * full;
    ideal += f * layer_ideal;
    if (f < 1.0 && batch.decode_seqs > 0) {
      seconds += (1.0 - f) * layer_seconds(l, decode_loads_, false, false, layer_ideal);
      ideal += (1.0 - f) * layer_ideal;
    }
  }
  const double base_s = static_cast<double>(cost.time_ns) * 1e-9;
  const double exposed = config_.overlap_weight_moves
                             ? std::max(0.0, moves.seconds - (base_s + seconds))
                             : moves.seconds;
  const TimeNs added = duration_ns_ceil(seconds + exposed);
  rec.ideal_ns = cost.time_ns + duration_ns_ceil(ideal);
  cost.time_ns += added;
  rec.time_ns = cost.time_ns;
  rec.weight_move_ns = duration_ns_ceil(exposed);
  rec.weight_move_bytes = moves.bytes;
  rec.tokens = static_cast<double>(tokens);
  for (int l = 0; l < layers_.layers(); ++l) {
    for (int e = 0; e < shape_.experts; ++e) mean_[e] = static_cast<double>(loads_[l][e]);
    layers_.remember(l, mean_, config_.history_weight);
  }
  observer_.on_step(rec);
  ++iteration_;
}

}  // namespace xpusim::systems
