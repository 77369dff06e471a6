#pragma once
// History-based expert prefetch prediction, shared by fetch_on_demand and buddy (BuddyMoE's own
// baseline is fetch-on-demand with the same prefetcher, refs B.5): per MoE layer, an
// exponential moving average of whether each expert was activated, S = a * [active] + (1 - a) * S
// with a = 0.5, updated after every pass of the layer; the prediction for a layer is its
// `count` highest-scoring experts (docs/moe.md, "Offload policies").
#include <cstdint>
#include <span>
#include <vector>

namespace xpusim::policy {

class NextLayerPredictor {
 public:
  explicit NextLayerPredictor(int count) : count_(count) {}
  int count() const { return count_; }
  // Records which experts of `layer` were activated (tokens > 0).
  void observe(int layer, std::span<const std::int64_t> tokens);
  // The experts of `layer` among its `count` highest scores (ties to the lower index, score 0
  // never) that are not in `cached`: what to prefetch into that layer.
  std::vector<int> predict(int layer, const std::vector<bool>& cached) const;
  double score(int layer, int expert) const;

 private:
  static constexpr double kAlpha = 0.5;
  int count_;
  std::vector<std::vector<double>> score_;  // [layer][expert]
};

}  // namespace xpusim::policy
