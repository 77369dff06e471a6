#pragma once
// BuddyMoE (B.5 in refs/policies.md; structure from the abstract, details [sim-ref]): when an
// activated expert is not resident, a resident "buddy" (a functionally similar expert) computes
// its tokens instead of stalling on a PCIe fetch; substituted tokens are counted as quality
// loss. Only experts with few tokens are substituted (a miss on a heavily used expert is
// fetched), and without a cached buddy the expert is fetched. The buddy table is not public and
// xpusim's routing has no expert semantics, so buddies are a fixed table: expert e's buddies
// are e+1, e-1, e+2, e-2, ... (mod E), `buddies` of them (docs/moe.md). LRU cache.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/expert_offload/fetch_on_demand.hpp"

namespace xpusim::policy {

struct BuddyConfig {
  int buddies = 2;              // candidates per expert
  std::int64_t max_tokens = 4;  // substitute only experts with at most this many tokens
};

class BuddyMoe final : public ExpertOffloadPolicy {
 public:
  explicit BuddyMoe(BuddyConfig config) : config_(config) {}
  static const ParamBinding<BuddyConfig>& binding();
  OffloadDecision schedule(const OffloadLayerView& view) override;
  int victim(int layer, const std::vector<bool>& cached, const std::vector<bool>& keep) override {
    return lru_.victim(layer, cached, keep);
  }
  void on_layer_done(const OffloadLayerView& view) override { lru_.on_layer_done(view); }

 private:
  BuddyConfig config_;
  FetchOnDemand lru_;  // the cache and the fallback behave as fetch-on-demand
};

}  // namespace xpusim::policy
