#pragma once
// Co-activation statistics of an MoE model's layers and the buddy lists BuddyMoE derives from
// them (refs B.5): M_l(i, j) counts the tokens that selected both experts i and j in layer l,
// M_l(i, i) those that selected i. Expert i's buddies are the other experts ranked by the
// conditional co-activation probability q(j | i) = M(i, j) / sum_{j' != i} M(i, j'), the
// paper's ranking; similarity(i, j) = M(i, j) / sqrt(M(i, i) M(j, j)) (the cosine of the two
// experts' activation indicators over the profiled tokens) weighs the quality proxy.
#include <cstdint>
#include <span>
#include <vector>

namespace xpusim::policy {

class CoActivationProfile {
 public:
  CoActivationProfile(int layers, int experts);
  int layers() const { return static_cast<int>(m_.size()); }
  int experts() const { return experts_; }
  // One token's chosen experts in `layer` (distinct).
  void add_token(int layer, std::span<const int> experts);
  // Counts only (no per-token routing): every two experts active in the same layer pass
  // co-activate min(tokens_i, tokens_j) times; M(i, i) += tokens_i.
  void add_counts(int layer, std::span<const std::int64_t> tokens);
  double count(int layer, int i, int j) const { return m_[layer][index(i, j)]; }
  // q(j | i); 0 when i never co-activated with anything.
  double q(int layer, int i, int j) const;
  double similarity(int layer, int i, int j) const;
  // Expert i's buddies in `layer`: every j != i with M(i, j) > 0, by descending q(j | i)
  // (ties to the lower index), at most `limit`.
  std::vector<int> buddies(int layer, int i, int limit) const;

 private:
  std::size_t index(int i, int j) const {
    return static_cast<std::size_t>(i) * static_cast<std::size_t>(experts_) +
           static_cast<std::size_t>(j);
  }
  int experts_;
  std::vector<std::vector<double>> m_;  // [layer][i * experts + j]
};

}  // namespace xpusim::policy
