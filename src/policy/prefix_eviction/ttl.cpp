#include "xpusim/policy/prefix_eviction/ttl.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

const ParamBinding<TtlEviction::Config>& TtlEviction::binding() {
  static const auto b =
      ParamBinding<Config>()
          .choice(XPUSIM_KEY(Config, mode), {{"global", Mode::Global},
                   {"per_tool", Mode::PerTool},
                   {"cost_benefit", Mode::CostBenefit}},
                  "global: one learned TTL for every continuing turn; per_tool: a TTL per tool "
                  "type from that tool's observed gaps (workload.tool_types; Continuum); "
                  "cost_benefit: per tool, the TTL whose expected re-prefill saved most exceeds "
                  "the price of holding the blocks under memory pressure (stand-in for "
                  "Continuum's rule; docs/prefix-cache.md)")
          .real(XPUSIM_KEY(Config, ttl_s), "s",
                "fixed time-to-live of a finished turn's blocks; 0 = learn it",
                {.min = 0, .max = 1e6})
          .real(XPUSIM_KEY(Config, quantile), "",
                "learned TTL = this quantile of the gaps between a continuing turn's end and "
                "reuse",
                {.min = 0.01, .max = 0.99})
          .real(XPUSIM_KEY(Config, initial_ttl_s), "s",
                "TTL before min_samples reuse gaps were seen", {.min = 0, .max = 1e6})
          .real(XPUSIM_KEY(Config, max_ttl_s), "s", "cap on the learned TTL",
                {.min = 0, .max = 1e6})
          .integer(XPUSIM_KEY(Config, min_samples), "",
                   "reuse gaps needed before the learned TTL is used", {.min = 1})
          .real(XPUSIM_KEY(Config, break_even_s), "s",
                "cost_benefit: seconds of holding a block at full memory pressure that cost as "
                "much as re-prefilling it; 0 = measured, the mean idle age of evicted blocks",
                {.min = 0, .max = 1e6})
          .real(XPUSIM_KEY(Config, pressure_window), "events",
                "cost_benefit: memory pressure (evicted / released blocks) decays by "
                "1 - 1/window per release or eviction",
                {.min = 1, .max = 1e9});
  return b;
}

TtlEviction::TtlEviction(Config config)
    : config_(config),
      gaps_(std::log(std::max(config.initial_ttl_s, 1e-3)), 1.0, config.min_samples),
      cost_benefit_(config.break_even_s, config.pressure_window, config.max_ttl_s) {}

const ReuseGapFit& TtlEviction::fit_for(std::int32_t tool) const {
  const auto t = static_cast<std::size_t>(tool);
  if (tool >= 0 && t < tool_gaps_.size() && tool_gaps_[t].samples() >= config_.min_samples)
    return tool_gaps_[t];
  return gaps_;
}

double TtlEviction::quantile_of(const ReuseGapFit& fit, std::size_t slot) const {
  if (quantile_cache_.size() <= slot) quantile_cache_.resize(slot + 1, {-1, 0.0});
  auto& [samples, value] = quantile_cache_[slot];
  if (samples != fit.samples()) {
    samples = fit.samples();
    value = fit.quantile(config_.quantile);
  }
  return value;
}

double TtlEviction::current_ttl_s(std::int32_t tool) const {
  if (config_.ttl_s > 0) return config_.ttl_s;
  if (config_.mode == Mode::CostBenefit) {
    if (gaps_.samples() < config_.min_samples) return config_.initial_ttl_s;
    return cost_benefit_.ttl_s(fit_for(tool));
  }
  const auto t = static_cast<std::size_t>(tool);
  if (config_.mode == Mode::PerTool && tool >= 0 && t < tool_gaps_.size() &&
      tool_gaps_[t].samples() >= config_.min_samples)
    return std::min(quantile_of(tool_gaps_[t], t + 1), config_.max_ttl_s);
  if (gaps_.samples() < config_.min_samples) return config_.initial_ttl_s;
  return std::min(quantile_of(gaps_, 0), config_.max_ttl_s);
}

void TtlEviction::on_touch(BlockId, CachedBlock& block, TimeNs now) {
  // A session block reused after its turn ended: one observed tool/think gap.
  if (!block.followup || block.released_ns < 0) return;
  const double gap_s = ns_to_seconds(now - block.released_ns);
  gaps_.add(gap_s);
  // Shared system-prompt blocks are also hit by other sessions' turns: not a tool's duration.
  if (config_.mode == Mode::Global || block.tool < 0 || block.type == workload::TokenType::System)
    return;
  const auto t = static_cast<std::size_t>(block.tool);
  while (tool_gaps_.size() <= t)
    tool_gaps_.emplace_back(std::log(std::max(config_.initial_ttl_s, 1e-3)), 1.0, config_.min_samples);
  tool_gaps_[t].add(gap_s);
}

double TtlEviction::ttl_for_release(std::int32_t tool, TimeNs now) const {
  if (config_.mode != Mode::CostBenefit) return current_ttl_s(tool);
  if (now != cb_now_ || tool != cb_tool_) {
    cb_now_ = now;
    cb_tool_ = tool;
    cb_ttl_s_ = current_ttl_s(tool);
  }
  return cb_ttl_s_;
}

void TtlEviction::on_candidate(BlockId id, CachedBlock& block, TimeNs now) {
  if (config_.mode == Mode::CostBenefit) cost_benefit_.on_release();
  block.order = block.release_order;
  if (!block.followup) {
    block.queue = kLru;
    lru_.add(id, block.order);
    return;
  }
  block.queue = kPinned;
  block.pinned_until_ns = now + seconds_to_ns(ttl_for_release(block.tool, now));
  pinned_.emplace(block.pinned_until_ns, id);
}

void TtlEviction::on_withdrawn(BlockId id, CachedBlock& block) {
  // A pinned block may have moved to the LRU set when its pin expired (see victim()).
  if (block.queue == kPinned && pinned_.erase({block.pinned_until_ns, id}) > 0) return;
  lru_.remove(id);
}

BlockId TtlEviction::victim(const BlockTable& blocks, TimeNs now) {
  // Expired pins fall back to LRU, keeping their place in release order.
  while (!pinned_.empty() && pinned_.begin()->first <= now) {
    const BlockId id = pinned_.begin()->second;
    pinned_.erase(pinned_.begin());
    lru_.add(id, blocks.block(id).order);
    // (The table is read-only here, so the block's queue flag stays; on_withdrawn copes.)
  }
  BlockId id = 0;
  if (!lru_.empty()) {
    id = lru_.front().second;
  } else {
    // Every candidate is pinned and memory is needed now: the pin that expires first yields.
    XPUSIM_CHECK(!pinned_.empty(), "TTL asked for a victim without candidates");
    id = pinned_.begin()->second;
  }
  if (config_.mode == Mode::CostBenefit) cost_benefit_.on_evict(now - blocks.block(id).released_ns);
  return id;
}

}  // namespace xpusim::policy
