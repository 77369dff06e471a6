#pragma once
// Baseline offload: every activated expert runs on the GPU; a missing one is fetched over PCIe
// first (the GPU waits). The cache evicts the least recently used expert of the layer. With
// `prefetch` N > 0 it also prefetches the next layer's predicted experts (NextLayerPredictor)
// while a layer runs: BuddyMoE's baseline, fetch-on-demand behind the same prefetcher (refs B.5).
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"
#include "xpusim/policy/expert_offload/next_layer_predictor.hpp"

namespace xpusim::policy {

struct FetchOnDemandConfig {
  int prefetch = 0;  // experts predicted per next layer (0: no prefetch)
};

class FetchOnDemand final : public ExpertOffloadPolicy {
 public:
  explicit FetchOnDemand(FetchOnDemandConfig config = {}) : predictor_(config.prefetch) {}
  static const ParamBinding<FetchOnDemandConfig>& binding();
  OffloadDecision schedule(const OffloadLayerView& view) override;
  int victim(int layer, const std::vector<bool>& cached, const std::vector<bool>& keep) override;
  void on_layer_done(const OffloadLayerView& view) override;
  const NextLayerPredictor& predictor() const { return predictor_; }

 private:
  std::vector<std::vector<double>> last_use_;  // [layer][expert]
  double clock_ = 0;
  NextLayerPredictor predictor_;
};

}  // namespace xpusim::policy
