#include "xpusim/policy/expert_offload/next_layer_predictor.hpp"

#include <algorithm>

namespace xpusim::policy {

void NextLayerPredictor::observe(int layer, std::span<const std::int64_t> tokens,
                                 std::span<const int> token_experts, int top_k) {
  const std::size_t n = tokens.size();
  if (score_.size() <= static_cast<std::size_t>(layer)) score_.resize(layer + 1);
  auto& s = score_[layer];
  s.resize(n, 0.0);
  for (std::size_t e = 0; e < n; ++e)
    s[e] = kAlpha * (tokens[e] > 0 ? 1.0 : 0.0) + (1 - kAlpha) * s[e];
  // Pair this pass's token choices with the previous layer's (same tokens, in order).
  if (layer > 0 && last_layer_ == layer - 1 && !token_experts.empty() &&
      last_choices_.size() == token_experts.size()) {
    if (trans_.size() < static_cast<std::size_t>(layer)) trans_.resize(layer);
    auto& t = trans_[layer - 1];
    if (t.empty()) t.assign(n, std::vector<double>(n, 0.0));
    const std::size_t k = static_cast<std::size_t>(top_k);
    for (std::size_t tok = 0; tok + k <= token_experts.size(); tok += k)
      for (std::size_t a = 0; a < k; ++a)
        for (std::size_t b = 0; b < k; ++b) t[last_choices_[tok + a]][token_experts[tok + b]] += 1;
  }
  last_layer_ = layer;
  last_choices_.assign(token_experts.begin(), token_experts.end());
}

double NextLayerPredictor::score(int layer, int expert) const {
  if (static_cast<std::size_t>(layer) >= score_.size()) return 0;
  const auto& s = score_[layer];
  return static_cast<std::size_t>(expert) < s.size() ? s[expert] : 0.0;
}

double NextLayerPredictor::transitions(int layer, int i, int j) const {
  if (static_cast<std::size_t>(layer) >= trans_.size() || trans_[layer].empty()) return 0;
  return trans_[layer][i][j];
}

std::vector<int> NextLayerPredictor::predict(int layer, const std::vector<bool>& cached,
                                             std::span<const int> token_experts,
                                             int top_k) const {
  std::vector<int> out;
  const int next = layer + 1;
  if (count_ <= 0 || static_cast<std::size_t>(next) >= score_.size()) return out;
  std::vector<double> s = score_[next];
  const bool learned = static_cast<std::size_t>(layer) < trans_.size() && !trans_[layer].empty();
  if (learned && !token_experts.empty()) {
    std::fill(s.begin(), s.end(), 0.0);
    const auto& t = trans_[layer];
    for (int i : token_experts) {
      double row = 0;
      for (double x : t[i]) row += x;
      if (row > 0)
        for (std::size_t j = 0; j < s.size(); ++j) s[j] += t[i][j] / row;
    }
  }
  (void)top_k;
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
