#pragma once
#include <array>
#include <utility>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"
#include "xpusim/policy/prefix_eviction/ordered_candidates.hpp"
#include "xpusim/policy/prefix_eviction/reuse_gap_fit.hpp"

namespace xpusim::policy {

// Semantic-adaptive eviction after SAECache (structure only; every choice the paper leaves
// open is in docs/prefix-cache.md). Two queues — session reuse (blocks filled by a multi-turn
// session, except system text) and structural reuse (system prompts, templates, sessionless
// requests) — each in release order with its own log-normal reuse-gap fit. A block's score is
//   w_type * w_queue * P(reused within horizon | idle so far) * (1 + position)^-position_decay
// and the lowest-scoring of the `window` oldest blocks of each queue goes. Type and queue
// weights follow the regret rate (a block wanted after its eviction): see learn().
class SaeEviction final : public EvictionPolicy {
 public:
  struct Config {
    double horizon_s = 30;
    double position_decay = 0.3;
    double learning_rate = 0.2;
    std::int64_t window = 16;
    std::int64_t min_samples = 8;
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
  double type_weight(workload::TokenType t) const { return type_w_[static_cast<std::size_t>(t)]; }
  double queue_weight(std::uint8_t q) const { return queue_w_[q]; }
  static std::uint8_t queue_of(const CachedBlock& block);
  static constexpr std::uint8_t kSession = 0, kStructural = 1;

 private:
  void learn(workload::TokenType type, std::uint8_t queue, double exponent);
  static constexpr double kMinWeight = 1.0 / 16, kMaxWeight = 16;

  Config config_;
  std::int64_t evictions_ = 0;
  std::int64_t regrets_ = 0;
  std::array<OrderedCandidates, 2> queues_;  // by (release order, id)
  std::array<ReuseGapFit, 2> fits_;
  std::array<double, workload::kTokenTypes> type_w_;
  std::array<double, 2> queue_w_{1.0, 1.0};
};

}  // namespace xpusim::policy
