#pragma once
#include <set>
#include <utility>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/prefix_eviction/cost_benefit_ttl.hpp"
#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"
#include "xpusim/policy/prefix_eviction/ordered_candidates.hpp"
#include "xpusim/policy/prefix_eviction/reuse_gap_fit.hpp"

namespace xpusim::policy {

// Continuum-style time-to-live pinning (docs/prefix-cache.md): the blocks of a finished turn
// whose session continues (an agent turn that ended with a tool call) stay pinned for a TTL,
// then fall back to LRU; every other block is LRU. The TTL is a quantile of the gaps seen so
// far between such a release and the block's reuse (the tool/think time), so it follows the
// sessions; a fixed ttl_s overrides it. Mode per_tool learns one gap distribution per tool
// type (CachedBlock::tool) and pins a turn for its own tool's TTL, falling back to the
// all-tools TTL until that tool has min_samples gaps (Continuum predicts per tool). Mode
// cost_benefit learns the same per-tool gaps but pins for the TTL that maximises the expected
// re-prefill saved minus the price of holding the blocks under the current memory pressure
// (CostBenefitTtl; a stand-in for Continuum's unpublished cost-benefit rule).
class TtlEviction final : public EvictionPolicy {
 public:
  enum class Mode { Global, PerTool, CostBenefit };
  struct Config {
    Mode mode = Mode::Global;
    double ttl_s = 0;           // fixed TTL; 0 = learn it
    double quantile = 0.9;      // of the learned reuse-gap distribution
    double initial_ttl_s = 10;  // before min_samples gaps were seen
    double max_ttl_s = 120;
    std::int64_t min_samples = 8;
    double break_even_s = 0;      // cost_benefit: hold time worth one re-prefill; 0 = measured
    double pressure_window = 4096;  // cost_benefit: releases/evictions the pressure remembers
  };
  static const ParamBinding<Config>& binding();
  explicit TtlEviction(Config config);

  void on_insert(BlockId, CachedBlock&, TimeNs) override {}
  void on_touch(BlockId id, CachedBlock& block, TimeNs now) override;
  void on_candidate(BlockId id, CachedBlock& block, TimeNs now) override;
  void on_withdrawn(BlockId id, CachedBlock& block) override;
  BlockId victim(const BlockTable& blocks, TimeNs now) override;
  std::size_t candidates() const override { return lru_.size() + pinned_.size(); }
  // The TTL a turn ending now would get (per_tool: one that called tool type `tool`).
  double current_ttl_s(std::int32_t tool = -1) const;

 private:
  Config config_;
  ReuseGapFit gaps_;
  std::vector<ReuseGapFit> tool_gaps_;  // per_tool: by tool type
  // The last quantile computed and the fit's sample count then, per fit (slot 0: all tools;
  // t + 1: tool t): a turn's release asks once per block, the fit changes only on reuse.
  double quantile_of(const ReuseGapFit& fit, std::size_t slot) const;
  // The fit a turn that called `tool` is judged by (its tool's once it has min_samples gaps).
  const ReuseGapFit& fit_for(std::int32_t tool) const;
  CostBenefitTtl cost_benefit_;
  // cost_benefit: the TTL last computed, for the release time and tool it was computed for (a
  // turn's release asks once per block, all at one time).
  mutable TimeNs cb_now_ = -1;
  mutable std::int32_t cb_tool_ = -2;
  mutable double cb_ttl_s_ = 0;
  double ttl_for_release(std::int32_t tool, TimeNs now) const;
  mutable std::vector<std::pair<std::int64_t, double>> quantile_cache_;
  OrderedCandidates lru_;                         // by (release order, id)
  std::set<std::pair<TimeNs, BlockId>> pinned_;      // (expiry, id)
  static constexpr std::uint8_t kLru = 0, kPinned = 1;
};

}  // namespace xpusim::policy
