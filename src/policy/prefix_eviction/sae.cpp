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
                "power of the position decay (1 + block index)^-power", {.min = 0, .max = 10})
          .real(XPUSIM_KEY(Config, learning_rate), "",
                "multiplicative step of a type/queue weight on each eviction regret",
                {.min = 0, .max = 10})
          .integer(XPUSIM_KEY(Config, window), "",
                   "oldest candidates of each queue that are scored per eviction",
                   {.min = 1, .max = 100000})
          .integer(XPUSIM_KEY(Config, min_samples), "",
                   "reuse gaps a queue needs before its fit replaces the prior", {.min = 1});
  return b;
}

// Prior reuse gap: median = the horizon, wide (sigma 1.5 in log space).
SaeEviction::SaeEviction(Config config)
    : config_(config),
      fits_{ReuseGapFit(std::log(config.horizon_s), 1.5, config.min_samples),
            ReuseGapFit(std::log(config.horizon_s), 1.5, config.min_samples)} {
  type_w_.fill(1.0);
}

std::uint8_t SaeEviction::queue_of(const CachedBlock& b) {
  return b.session != 0 && b.type != workload::TokenType::System ? kSession : kStructural;
}

void SaeEviction::on_touch(BlockId, CachedBlock& block, TimeNs now) {
  if (block.released_ns >= 0) fits_[queue_of(block)].add(ns_to_seconds(now - block.released_ns));
}

void SaeEviction::on_candidate(BlockId id, CachedBlock& block, TimeNs) {
  block.order = block.release_order;
  block.queue = queue_of(block);
  queues_[block.queue].add(id, block.order);
}

void SaeEviction::on_withdrawn(BlockId id, CachedBlock& block) {
  queues_[block.queue].remove(id);
}

double SaeEviction::score(const CachedBlock& b, TimeNs now) const {
  const double age_s = b.released_ns >= 0 ? ns_to_seconds(now - b.released_ns) : 0.0;
  const double p = fits_[b.queue].reuse_within(age_s, config_.horizon_s);
  return type_weight(b.type) * queue_w_[b.queue] * p *
         std::pow(1.0 + b.position, -config_.position_decay);
}

BlockId SaeEviction::victim(const BlockTable& blocks, TimeNs now) {
  bool found = false;
  double best = 0;
  std::pair<std::uint64_t, BlockId> best_key{};
  for (const auto& q : queues_) {
    std::int64_t seen = 0;
    q.for_each_oldest([&](const OrderedCandidates::Key& key) {
      const double s = score(blocks.block(key.second), now);
      // Ties go to the older block, so equal scores degrade to LRU.
      if (!found || s < best || (s == best && key < best_key)) {
        found = true;
        best = s;
        best_key = key;
      }
      return ++seen < config_.window;
    });
  }
  XPUSIM_CHECK(found, "SAE asked for a victim without candidates");
  ++evictions_;
  const CachedBlock& victim = blocks.block(best_key.second);
  learn(victim.type, victim.queue, -static_cast<double>(regrets_) / static_cast<double>(evictions_));
  return best_key.second;
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
  learn(info.type, info.queue, 1.0);
}

}  // namespace xpusim::policy
