#pragma once
// The kTransformers-style static hybrid baseline (the "SOTA hybrid framework" HybriMoE compares
// against, B.4 in refs/policies.md): a fixed set of experts per layer lives on the GPU (the
// cache's starting contents, e.g. the profiled hottest experts, `cache.warm_start: profiled`);
// an activated expert runs on the GPU when it is one of them and on the CPU otherwise. Nothing
// is ever fetched, prefetched or evicted.
#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"

namespace xpusim::policy {

class StaticHybrid final : public ExpertOffloadPolicy {
 public:
  OffloadDecision schedule(const OffloadLayerView& view) override;
  int victim(int layer, const std::vector<bool>& cached, const std::vector<bool>& keep) override;
  void on_layer_done(const OffloadLayerView&) override {}
};

}  // namespace xpusim::policy
