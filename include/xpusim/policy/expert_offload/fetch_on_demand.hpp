#pragma once
// Baseline offload: every activated expert runs on the GPU; a missing one is fetched over PCIe
// first (the GPU waits). The cache evicts the least recently used expert of the layer.
#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"

namespace xpusim::policy {

class FetchOnDemand final : public ExpertOffloadPolicy {
 public:
  OffloadDecision schedule(const OffloadLayerView& view) override;
  int victim(int layer, const std::vector<bool>& cached, const std::vector<bool>& keep) override;
  void on_layer_done(const OffloadLayerView& view) override;

 private:
  std::vector<std::vector<double>> last_use_;  // [layer][expert]
  double clock_ = 0;
};

}  // namespace xpusim::policy
