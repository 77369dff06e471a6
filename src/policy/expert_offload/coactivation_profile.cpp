#include "xpusim/policy/expert_offload/coactivation_profile.hpp"

#include <algorithm>
#include <cmath>

namespace xpusim::policy {

CoActivationProfile::CoActivationProfile(int layers, int experts)
    : experts_(experts),
      m_(layers, std::vector<double>(static_cast<std::size_t>(experts) * experts, 0.0)) {}

void CoActivationProfile::add_token(int layer, std::span<const int> experts) {
  auto& m = m_[layer];
  for (int i : experts)
    for (int j : experts) m[index(i, j)] += 1;
}

void CoActivationProfile::add_counts(int layer, std::span<const std::int64_t> tokens) {
  auto& m = m_[layer];
  const int n = static_cast<int>(tokens.size());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      m[index(i, j)] += static_cast<double>(std::min(tokens[i], tokens[j]));
}

double CoActivationProfile::q(int layer, int i, int j) const {
  double row = 0;
  for (int k = 0; k < experts_; ++k)
    if (k != i) row += count(layer, i, k);
  return row > 0 && i != j ? count(layer, i, j) / row : 0.0;
}

double CoActivationProfile::similarity(int layer, int i, int j) const {
  const double d = count(layer, i, i) * count(layer, j, j);
  return d > 0 ? count(layer, i, j) / std::sqrt(d) : 0.0;
}

std::vector<int> CoActivationProfile::buddies(int layer, int i, int limit) const {
  std::vector<int> out;
  for (int j = 0; j < experts_; ++j)
    if (j != i && count(layer, i, j) > 0) out.push_back(j);
  // q(j | i) is M(i, j) over a row sum common to every j: rank by M(i, j).
  std::stable_sort(out.begin(), out.end(),
                   [&](int a, int b) { return count(layer, i, a) > count(layer, i, b); });
  if (out.size() > static_cast<std::size_t>(std::max(limit, 0))) out.resize(std::max(limit, 0));
  return out;
}

}  // namespace xpusim::policy
