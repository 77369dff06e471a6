#include "xpusim/policy/expert_offload/next_layer_predictor.hpp"

#include <algorithm>

namespace xpusim::policy {

void NextLayerPredictor::observe(int layer, std::span<const std::int64_t> tokens) {
  if (score_.size() <= static_cast<std::size_t>(layer)) score_.resize(layer + 1);
  auto& s = score_[layer];
  s.resize(tokens.size(), 0.0);
  for (std::size_t e = 0; e < tokens.size(); ++e)
    s[e] = kAlpha * (tokens[e] > 0 ? 1.0 : 0.0) + (1 - kAlpha) * s[e];
}

double NextLayerPredictor::score(int layer, int expert) const {
  if (static_cast<std::size_t>(layer) >= score_.size()) return 0;
  const auto& s = score_[layer];
  return static_cast<std::size_t>(expert) < s.size() ? s[expert] : 0.0;
}

std::vector<int> NextLayerPredictor::predict(int layer, const std::vector<bool>& cached) const {
  std::vector<int> out;
  if (count_ <= 0 || static_cast<std::size_t>(layer) >= score_.size()) return out;
  const auto& s = score_[layer];
  std::vector<int> order;
  for (std::size_t e = 0; e < s.size(); ++e)
    if (s[e] > 0) order.push_back(static_cast<int>(e));
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return s[a] > s[b]; });
  if (order.size() > static_cast<std::size_t>(count_)) order.resize(count_);
  for (int e : order)
    if (static_cast<std::size_t>(e) >= cached.size() || !cached[e]) out.push_back(e);
  return out;
}

}  // namespace xpusim::policy
