#include "xpusim/policy/prefix_eviction/sae.hpp"

#include <cmath>
#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

const ParamBinding<SaeEviction::Config>& SaeEviction::binding() {
  static const auto b =
      ParamBinding<Config>()
          .real(XPUSIM_KEY(Config, horizon_s), "s",
                "reuse horizon of the score: P(reused within this long)",
                {.min = 0, .max = 1e6, .min_exclusive = true})
          .real(XPUSIM_KEY(Config, position_decay), "",
                "power of the position decay (1 + block index)^-power; with "
                "adapt_position_decay, the prior until the reuse-by-position fit has data",
                {.min = 0, .max = 10})
          .real(XPUSIM_KEY(Config, learning_rate), "",
                "multiplicative step of a type/queue weight on each eviction regret",
                {.min = 0, .max = 10})
          .integer(XPUSIM_KEY(Config, window), "",
                   "oldest candidates of each queue that are scored per eviction; 0 = every "
                   "candidate (the whole history, as SAECache)",
                   {.min = 0, .max = 100000})
          .integer(XPUSIM_KEY(Config, min_samples), "",
                   "reuse gaps a queue needs before its fit replaces the prior; releases a "
                   "position bin needs before it enters the position-decay fit",
                   {.min = 1})
          .boolean(XPUSIM_KEY(Config, adapt_position_decay),
                   "learn the position-decay power online from the reuse rate by position "
                   "(SAECache's adaptive decay); false: position_decay fixed");
  return b;
}

// Prior reuse gap: median = the horizon, wide (sigma 1.5 in log space).
SaeEviction::SaeEviction(Config config)
    : config_(config),
      fits_{ReuseGapFit(std::log(config.horizon_s), 1.5, config.min_samples),
            ReuseGapFit(std::log(config.horizon_s), 1.5, config.min_samples)},
      decay_(config.position_decay, config.min_samples) {
  type_w_.fill(1.0);
}

std::uint8_t SaeEviction::queue_of(const CachedBlock& b) {
  return b.session != 0 && b.type != workload::TokenType::System ? kSession : kStructural;
}

void SaeEviction::on_touch(BlockId, CachedBlock& block, TimeNs now) {
  if (block.released_ns < 0) return;
  fits_[queue_of(block)].add(ns_to_seconds(now - block.released_ns));
  decay_.reused(block.position);
}

void SaeEviction::on_candidate(BlockId id, CachedBlock& block, TimeNs) {
  block.order = block.release_order;
  block.queue = queue_of(block);
  queues_[block.queue].add(id, block.order);
  groups_.add(id, block);
  decay_.released(block.position);
}

void SaeEviction::on_withdrawn(BlockId id, CachedBlock& block) {
  if (queues_[block.queue].remove(id)) groups_.remove(id, block);
}

double SaeEviction::position_decay() const {
  return config_.adapt_position_decay ? decay_.beta() : config_.position_decay;
}

double SaeEviction::score_with(const CachedBlock& b, TimeNs now, double beta) const {
  const double age_s = b.released_ns >= 0 ? ns_to_seconds(now - b.released_ns) : 0.0;
  const double p = fits_[b.queue].reuse_within(age_s, config_.horizon_s);
  return type_weight(b.type) * queue_w_[b.queue] * p * std::pow(1.0 + b.position, -beta);
}

double SaeEviction::score(const CachedBlock& b, TimeNs now) const {
  return score_with(b, now, position_decay());
}

BlockId SaeEviction::victim(const BlockTable& blocks, TimeNs now) {
  XPUSIM_CHECK(candidates() > 0, "SAE asked for a victim without candidates");
  const BlockId id =
      config_.window > 0 ? oldest_window_victim(blocks, now).second : whole_cache_victim(now);
  ++evictions_;
  const CachedBlock& victim = blocks.block(id);
  learn(victim.type, victim.queue, -static_cast<double>(regrets_) / static_cast<double>(evictions_));
  return id;
}

// Every candidate: the best of each (queue, release time, type) class (release_groups.hpp),
// one reuse probability per group. Ties: released earlier, then deeper, then release order.
BlockId SaeEviction::whole_cache_victim(TimeNs now) const {
  const double beta = position_decay();
  bool found = false;
  double best = 0;
  std::tuple<TimeNs, ReleaseGroups::Entry> best_key{};
  ReleaseGroups::GroupKey last{};
  double p = 0;
  groups_.for_each_best([&](const ReleaseGroups::GroupKey& g, workload::TokenType t,
                            const ReleaseGroups::Entry& e) {
    if (!found || g != last) {
      last = g;
      p = fits_[g.first].reuse_within(ns_to_seconds(now - g.second), config_.horizon_s);
    }
    const double s = type_weight(t) * queue_w_[g.first] * p *
                     std::pow(1.0 - std::get<0>(e), -beta);
    const auto key = std::make_tuple(g.second, e);
    if (!found || s < best || (s == best && key < best_key)) {
      found = true;
      best = s;
      best_key = key;
    }
  });
  return std::get<2>(std::get<1>(best_key));
}

std::pair<std::uint64_t, BlockId> SaeEviction::oldest_window_victim(const BlockTable& blocks,
                                                                    TimeNs now) const {
  const double beta = position_decay();
  bool found = false;
  double best = 0;
  std::pair<std::uint64_t, BlockId> best_key{};
  for (const auto& q : queues_) {
    std::int64_t seen = 0;
    q.for_each_oldest([&](const OrderedCandidates::Key& key) {
      const double s = score_with(blocks.block(key.second), now, beta);
      // Ties go to the older block, so equal scores degrade to LRU.
      if (!found || s < best || (s == best && key < best_key)) {
        found = true;
        best = s;
        best_key = key;
      }
      return ++seen < config_.window;
    });
  }
  return best_key;
}

// Multiplicative weights on the regret rate: a regret raises its type's and queue's weight by
// (1 + rate); every eviction lowers its type's and queue's weight by (1 + rate)^-r, r = the
// overall regret rate so far. A weight is stationary when its own regret rate equals r, so types
// evicted "too eagerly" gain and the others lose. Clamped so no type becomes unevictable.
void SaeEviction::learn(workload::TokenType type, std::uint8_t queue, double exponent) {
  const double step = std::pow(1.0 + config_.learning_rate, exponent);
  double& tw = type_w_[static_cast<std::size_t>(type)];
  tw = std::clamp(tw * step, kMinWeight, kMaxWeight);
  queue_w_[queue] = std::clamp(queue_w_[queue] * step, kMinWeight, kMaxWeight);
}

void SaeEviction::on_regret(const RegretInfo& info, TimeNs) {
  ++regrets_;
  decay_.reused(info.position);
  learn(info.type, info.queue, 1.0);
}

}  // namespace xpusim::policy
