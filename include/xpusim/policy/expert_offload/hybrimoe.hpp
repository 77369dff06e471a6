#pragma once
// HybriMoE (B.4 in refs/policies.md, as coded in PKU-SEC-Lab/HybriMoE experts.py): in decode,
// the hybrid schedule "HSS" splits a layer's activated experts between GPU and CPU greedily
// (cached experts by tokens first, then missing ones; the GPU takes from the front, the CPU from
// the back, whichever finishes sooner); in prefill every activated expert runs on the GPU, the
// missing ones streamed through a buffer without entering the cache. The cache evicts the
// expert with the lowest "minus recent score" S; the next layer's highest-S experts can be
// prefetched while a layer runs.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"

namespace xpusim::policy {

struct HybriMoeConfig {
  double alpha = 0.5;   // weight of the newest routing score in S
  int score_top_p = 0;  // experts whose S takes the new score; 0 = 2 x top_k (the model code)
  int prefetch = 0;     // next-layer experts prefetched per layer (code default 0 = off)
  bool hss_in_prefill = false;  // apply the CPU/GPU split in prefill too (paper; not the code)
  bool impact_prefetch = false;  // choose prefetches by predicted gain (impact_prefetch.hpp)
};

class HybriMoe final : public ExpertOffloadPolicy {
 public:
  explicit HybriMoe(HybriMoeConfig config) : config_(config) {}
  static const ParamBinding<HybriMoeConfig>& binding();
  OffloadDecision schedule(const OffloadLayerView& view) override;
  int victim(int layer, const std::vector<bool>& cached, const std::vector<bool>& keep) override;
  void on_layer_done(const OffloadLayerView& view) override;
  double score(int layer, int expert) const;

 private:
  std::vector<double>& scores(int layer, std::size_t experts);
  HybriMoeConfig config_;
  std::vector<std::vector<double>> score_;  // [layer][expert] S
};

// The HSS split alone (exposed for tests): fills run (Gpu / FetchThenGpu / Cpu) and gpu_order.
void hybrid_schedule(const OffloadLayerView& view, OffloadDecision& d);

}  // namespace xpusim::policy
