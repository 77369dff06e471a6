#pragma once
// BuddyMoE (refs B.5; arXiv 2511.10054): experts are prefetched for the next layer; when an
// activated expert is not resident (a prefetch miss) and would be fetched on demand, a resident
// "buddy" computes its tokens instead. Buddies come from co-activation statistics: the first
// `profile_iterations` iterations run as the baseline (fetch-on-demand behind the same
// prefetcher) while a CoActivationProfile counts which experts the tokens select together;
// then each expert's buddy list is ranked by q(j | i) and frozen (the paper's offline table).
// The runtime policy substitutes a missed expert only when, for every token routed to it,
// (1) the token's routing entropy (TAE) is at least `entropy_threshold` (a confident router
// keeps its choice), and (2) at most `max_missing_share` of the token's top-k experts missed
// (the distribution gate against cascading error); then (3) the first resident expert among
// its `search_limit` best buddies computes it. Otherwise it is fetched. The thresholds' values
// are not published (docs/moe.md). LRU cache.
#include <memory>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/expert_offload/coactivation_profile.hpp"
#include "xpusim/policy/expert_offload/fetch_on_demand.hpp"

namespace xpusim::policy {

struct BuddyConfig {
  int prefetch = 6;                // next-layer experts predicted and prefetched
  int profile_iterations = 16;     // iterations profiled before buddies are used
  int search_limit = 4;            // H: buddies looked at per missed expert
  double entropy_threshold = 0.5;  // TAE gate: normalised routing entropy of a token
  double max_missing_share = 0.5;  // distribution gate: share of a token's experts missed
};

class BuddyMoe final : public ExpertOffloadPolicy {
 public:
  explicit BuddyMoe(BuddyConfig config) : config_(config), base_({config.prefetch}) {}
  static const ParamBinding<BuddyConfig>& binding();
  OffloadDecision schedule(const OffloadLayerView& view) override;
  int victim(int layer, const std::vector<bool>& cached, const std::vector<bool>& keep) override {
    return base_.victim(layer, cached, keep);
  }
  void on_layer_done(const OffloadLayerView& view) override;
  // Buddies in use (empty while profiling).
  const std::vector<int>& buddies(int layer, int expert) const;
  bool profiled() const { return profiled_; }
  const CoActivationProfile* profile() const { return profile_.get(); }

  // The token's routing entropy over its k gate scores, divided by log k (0 when k = 1).
  static double normalised_entropy(std::span<const double> scores);

 private:
  // Per expert: whether every token routed to it passes the entropy and distribution gates.
  std::vector<bool> gates_pass(const OffloadLayerView& view) const;

  BuddyConfig config_;
  FetchOnDemand base_;  // cache, prefetcher and fallback: the paper's baseline
  std::unique_ptr<CoActivationProfile> profile_;
  std::vector<std::vector<std::vector<int>>> buddies_;  // [layer][expert]
  int iterations_ = 0;
  bool profiled_ = false;
};

}  // namespace xpusim::policy
