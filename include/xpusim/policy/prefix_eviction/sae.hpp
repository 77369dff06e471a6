#pragma once
#include <array>
#include <utility>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"
#include "xpusim/policy/prefix_eviction/ordered_candidates.hpp"
#include "xpusim/policy/prefix_eviction/position_decay_fit.hpp"
#include "xpusim/policy/prefix_eviction/release_groups.hpp"
#include "xpusim/policy/prefix_eviction/reuse_gap_fit.hpp"

namespace xpusim::policy {

// Semantic-adaptive eviction after SAECache (structure only; every choice the paper leaves
// open is in docs/prefix-cache.md). Two queues — session reuse (blocks filled by a multi-turn
// session, except system text) and structural reuse (system prompts, templates, sessionless
// requests) — each in release order with its own log-normal reuse-gap fit. A block's score is
//   w_type * w_queue * P(reused within horizon | idle so far) * (1 + position)^-beta
// and the lowest-scoring candidate goes (window 0, the default: every candidate, as the paper
// scores the whole history; window N: only the N oldest of each queue). Ties: the block
// released earlier, then the deeper one, then release order. Type and queue weights follow the
// regret rate (a block wanted after its eviction): see learn(). beta is learned online from the
// reuse rate by position (PositionDecayFit; position_decay is its prior) unless
// adapt_position_decay is false.
class SaeEviction final : public EvictionPolicy {
 public:
  struct Config {
    double horizon_s = 30;
    double position_decay = 0.3;
    double learning_rate = 0.2;
    std::int64_t window = 0;
    std::int64_t min_samples = 8;
    bool adapt_position_decay = true;
  };
  static const ParamBinding<Config>& binding();
  explicit SaeEviction(Config config);

  void on_insert(BlockId, CachedBlock&, TimeNs) override {}
  void on_touch(BlockId id, CachedBlock& block, TimeNs now) override;
  void on_candidate(BlockId id, CachedBlock& block, TimeNs now) override;
  void on_withdrawn(BlockId id, CachedBlock& block) override;
  BlockId victim(const BlockTable& blocks, TimeNs now) override;
  void on_regret(const RegretInfo& info, TimeNs now) override;
  std::size_t candidates() const override { return queues_[0].size() + queues_[1].size(); }

  double score(const CachedBlock& block, TimeNs now) const;
  double position_decay() const;  // beta in use now
  double type_weight(workload::TokenType t) const { return type_w_[static_cast<std::size_t>(t)]; }
  double queue_weight(std::uint8_t q) const { return queue_w_[q]; }
  static std::uint8_t queue_of(const CachedBlock& block);
  static constexpr std::uint8_t kSession = 0, kStructural = 1;

 private:
  void learn(workload::TokenType type, std::uint8_t queue, double exponent);
  double score_with(const CachedBlock& block, TimeNs now, double beta) const;
  std::pair<std::uint64_t, BlockId> oldest_window_victim(const BlockTable& blocks, TimeNs now) const;
  BlockId whole_cache_victim(TimeNs now) const;
  static constexpr double kMinWeight = 1.0 / 16, kMaxWeight = 16;

  Config config_;
  std::int64_t evictions_ = 0;
  std::int64_t regrets_ = 0;
  std::array<OrderedCandidates, 2> queues_;  // by (release order, id)
  ReleaseGroups groups_;                     // the same candidates, for window 0
  std::array<ReuseGapFit, 2> fits_;
  PositionDecayFit decay_;
  std::array<double, workload::kTokenTypes> type_w_;
  std::array<double, 2> queue_w_{1.0, 1.0};
};

}  // namespace xpusim::policy
