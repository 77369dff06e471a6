#pragma once
// Expert prefetch prediction, shared by fetch_on_demand and buddy (BuddyMoE's own baseline is
// fetch-on-demand with the same prefetcher, refs B.5). With per-token routing it predicts the
// next layer from the current one: it learns, online, T_l(i, j) = tokens that chose expert i in
// layer l and j in layer l + 1, and scores each next-layer expert j by
// sum over this layer's token choices i of T_l(i, j) / sum_j' T_l(i, j'). Without per-token
// routing it falls back to history: an exponential moving average of whether each expert of
// the next layer was activated, S = 0.5 [active] + 0.5 S. The prediction is the `count`
// highest scores (ties to the lower index, score 0 never) (docs/moe.md, "Offload policies").
#include <cstdint>
#include <span>
#include <vector>

namespace xpusim::policy {

class NextLayerPredictor {
 public:
  explicit NextLayerPredictor(int count) : count_(count) {}
  int count() const { return count_; }
  // Records a pass of `layer`: which experts were activated (tokens > 0) and, when given, each
  // token's choices (token t's at t * top_k ..), paired with the previous layer's pass.
  void observe(int layer, std::span<const std::int64_t> tokens,
               std::span<const int> token_experts = {}, int top_k = 1);
  // The experts of layer `layer` + 1 among its `count` best scores that are not in `cached`:
  // what to prefetch while `layer` runs with these token choices (empty: history only).
  std::vector<int> predict(int layer, const std::vector<bool>& cached,
                           std::span<const int> token_experts = {}, int top_k = 1) const;
  double score(int layer, int expert) const;  // the moving average
  double transitions(int layer, int i, int j) const;  // T_layer(i, j)

 private:
  static constexpr double kAlpha = 0.5;
  int count_;
  std::vector<std::vector<double>> score_;  // [layer][expert]
  std::vector<std::vector<std::vector<double>>> trans_;  // [layer][i][j], layer -> layer + 1
  int last_layer_ = -1;
  std::vector<int> last_choices_;  // the previous pass's token choices
};

}  // namespace xpusim::policy
