#include "xpusim/systems/expert_parallel_stage.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <span>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {

double seconds_of(TimeNs t) { return static_cast<double>(t) * 1e-9; }

// `loads` rescaled so that every layer sums to `share` of its pairs (rounded to the nearest).
void share_of(const workload::ExpertLoads& loads, double share, workload::ExpertLoads& out) {
  out = loads;
  const std::int64_t pairs = loads.empty() ? 0 : std::accumulate(loads[0].begin(), loads[0].end(),
                                                                  std::int64_t{0});
  workload::rescale_loads(out, std::llround(share * static_cast<double>(pairs)));
}

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
  XPUSIM_CHECK(!config_.two_batch_overlap || config_.model_layers >= routing_->layers(),
               "two-batch overlap needs the model's layer count");
}

model::BatchShape ExpertParallelStage::rank_shape(const model::BatchShape& b) const {
  return busiest_share(b, shape_.gpus);
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

void ExpertParallelStage::publish_layer(int layer, const ExpertPass& p, double seconds,
                                        double ideal) {
  MoeLayerRecord r;
  r.step = iteration_, r.layer = layer;
  r.max_gpu_tokens = p.max_gpu_tokens, r.mean_gpu_tokens = p.mean_gpu_tokens;
  r.time_ns = seconds_to_ns(seconds), r.ideal_ns = seconds_to_ns(ideal);
  r.all_to_all_ns = seconds_to_ns(2 * p.all_to_all_s);
  r.all_to_all_bytes = 2 * p.all_to_all_bytes;
  observer_.on_layer(r);
}

double ExpertParallelStage::layer_seconds(int layer, const workload::ExpertLoads& loads,
                                          bool prefill, bool record, double& ideal) {
  const ExpertPass p =
      expert_pass(cost_, shape_, *policy_, layers_.layout(layer), loads[layer], prefill);
  const double seconds = 2 * p.all_to_all_s + p.expert_s;
  ideal = 2 * p.ideal_all_to_all_s + p.ideal_expert_s;
  if (record) publish_layer(layer, p, seconds, ideal);
  return seconds;
}

ExpertParallelStage::Moves ExpertParallelStage::begin(const model::BatchShape& batch,
                                                      MoeStepRecord& rec) {
  rec.step = iteration_;
  // Placement first, from the loads observed so far: the iteration runs on the new layout.
  Moves moves;
  if (config_.rebalance_every > 0 && iteration_ > 0 && iteration_ % config_.rebalance_every == 0) {
    moves = rebalance();
    rec.placed = true;
  }
  refine(moves);  // loads_ still holds the previous iteration's
  const std::int64_t tokens = batch.total_tokens();
  rec.tokens = static_cast<double>(tokens);
  routing_->next_sized(loads_, tokens, config_.top_k);
  // Layered prefill: prefill tokens pass a fraction f of the layers; the others run the decode
  // tokens alone, routed as this iteration's loads scaled down to them.
  if (batch.prefill_tokens > 0 && batch.prefill_layer_fraction < 1.0) {
    decode_loads_ = loads_;
    workload::rescale_loads(decode_loads_, batch.decode_seqs * config_.top_k);
  }
  return moves;
}

void ExpertParallelStage::finish(model::IterationCost& cost, Times routed, const Moves& moves,
                                 MoeStepRecord& rec) {
  const double base_s = seconds_of(cost.time_ns);
  const double exposed = config_.overlap_weight_moves
                             ? std::max(0.0, moves.seconds - (base_s + routed.seconds))
                             : moves.seconds;
  const TimeNs added = duration_ns_ceil(routed.seconds + exposed);
  rec.ideal_ns = cost.time_ns + duration_ns_ceil(routed.ideal);
  cost.time_ns += added;
  rec.time_ns = cost.time_ns;
  rec.weight_move_ns = duration_ns_ceil(exposed);
  rec.weight_move_bytes = moves.bytes;
  for (int l = 0; l < layers_.layers(); ++l) {
    for (int e = 0; e < shape_.experts; ++e) mean_[e] = static_cast<double>(loads_[l][e]);
    layers_.remember(l, mean_, config_.history_weight);
  }
  observer_.on_step(rec);
  ++iteration_;
}

void ExpertParallelStage::add_experts(const model::BatchShape& batch, TimeNs now,
                                      model::IterationCost& cost) {
  MoeStepRecord rec;
  rec.start_ns = now;
  const Moves moves = begin(batch, rec);
  const bool prefill = batch.prefill_tokens > 0;
  const double f = prefill ? std::clamp(batch.prefill_layer_fraction, 0.0, 1.0) : 1.0;
  Times t;
  for (int l = 0; l < layers_.layers(); ++l) {
    double layer_ideal = 0;
    const double full = layer_seconds(l, loads_, prefill, true, layer_ideal);
    t.seconds += f * full;
    t.ideal += f * layer_ideal;
    if (f < 1.0 && batch.decode_seqs > 0) {
      t.seconds += (1.0 - f) * layer_seconds(l, decode_loads_, false, false, layer_ideal);
      t.ideal += (1.0 - f) * layer_ideal;
    }
  }
  finish(cost, t, moves, rec);
}

ExpertParallelStage::Times ExpertParallelStage::overlapped_layer(int layer, const MicroPass& a,
                                                                 const MicroPass& b, bool record) {
  const policy::ExpertLayout& layout = layers_.layout(layer);
  const ExpertPass pa = expert_pass(cost_, shape_, *policy_, layout, (*a.loads)[layer], a.prefill);
  const ExpertPass pb = expert_pass(cost_, shape_, *policy_, layout, (*b.loads)[layer], b.prefill);
  Times t;
  t.seconds = overlapped_layer_seconds({a.attention_s + pa.expert_s, 2 * pa.all_to_all_s},
                                       {b.attention_s + pb.expert_s, 2 * pb.all_to_all_s});
  t.ideal = overlapped_layer_seconds({a.attention_s + pa.ideal_expert_s, 2 * pa.ideal_all_to_all_s},
                                     {b.attention_s + pb.ideal_expert_s, 2 * pb.ideal_all_to_all_s});
  if (record) {
    // The layer's record: both micro-batches' tokens and traffic, and the time the routed
    // experts add beyond the attention they overlap.
    ExpertPass both = pa;
    both.max_gpu_tokens += pb.max_gpu_tokens, both.mean_gpu_tokens += pb.mean_gpu_tokens;
    both.all_to_all_s += pb.all_to_all_s, both.all_to_all_bytes += pb.all_to_all_bytes;
    const double attention = a.attention_s + b.attention_s;
    publish_layer(layer, both, t.seconds - attention, t.ideal - attention);
  }
  return t;
}

ExpertParallelStage::Times ExpertParallelStage::overlapped(const model::BatchShape& batch,
                                                           const MicroBatches& mb,
                                                           double attention_a, double attention_b) {
  const double tokens = static_cast<double>(mb.first.total_tokens() + mb.second.total_tokens());
  const double f =
      batch.prefill_tokens > 0 ? std::clamp(batch.prefill_layer_fraction, 0.0, 1.0) : 1.0;
  share_of(loads_, static_cast<double>(mb.first.total_tokens()) / tokens, loads_a_);
  share_of(loads_, static_cast<double>(mb.second.total_tokens()) / tokens, loads_b_);
  MicroPass a{&loads_a_, mb.first.prefill_tokens > 0, attention_a};
  MicroPass b{&loads_b_, mb.second.prefill_tokens > 0, attention_b};
  Times t;
  for (int l = 0; l < layers_.layers(); ++l) {
    const Times full = overlapped_layer(l, a, b, true);
    t.seconds += f * full.seconds;
    t.ideal += f * full.ideal;
  }
  const std::int64_t decode = mb.first.decode_seqs + mb.second.decode_seqs;
  if (f < 1.0 && decode > 0) {  // layered prefill: the layers the decode tokens run alone
    share_of(decode_loads_, static_cast<double>(mb.first.decode_seqs) / decode, loads_a_);
    share_of(decode_loads_, static_cast<double>(mb.second.decode_seqs) / decode, loads_b_);
    a.prefill = b.prefill = false;
    for (int l = 0; l < layers_.layers(); ++l) {
      const Times alone = overlapped_layer(l, a, b, false);
      t.seconds += (1.0 - f) * alone.seconds;
      t.ideal += (1.0 - f) * alone.ideal;
    }
  }
  return t;
}

model::IterationCost ExpertParallelStage::estimate(const model::ExecutionModel& exec,
                                                   const model::BatchShape& batch, TimeNs now) {
  const model::BatchShape rank = rank_shape(batch);
  const MicroBatches mb = config_.two_batch_overlap ? split_micro_batches(rank) : MicroBatches{};
  if (mb.second.empty()) {  // off, or one sequence per rank: nothing to overlap with
    model::IterationCost cost = exec.estimate(rank);
    add_experts(batch, now, cost);
    return cost;
  }
  const model::IterationCost a = exec.estimate(mb.first), b = exec.estimate(mb.second);
  MoeStepRecord rec;
  rec.start_ns = now;
  const Moves moves = begin(batch, rec);
  // Each micro-batch's base time (attention, shared expert, dense layers, head) spread evenly
  // over the model's layers; the MoE layers' shares overlap the other micro-batch's all-to-all.
  const double per_layer = 1.0 / config_.model_layers;
  const double moe_share = layers_.layers() * per_layer;
  model::IterationCost cost;
  cost.time_ns = duration_ns_ceil((seconds_of(a.time_ns) + seconds_of(b.time_ns)) * (1 - moe_share));
  cost.flops = a.flops + b.flops, cost.bytes = a.bytes + b.bytes;
  cost.comm_ns = a.comm_ns + b.comm_ns, cost.activity = std::max(a.activity, b.activity);
  const Times t =
      overlapped(batch, mb, seconds_of(a.time_ns) * per_layer, seconds_of(b.time_ns) * per_layer);
  finish(cost, t, moves, rec);
  return cost;
}

}  // namespace xpusim::systems
