#include "xpusim/workload/zipf_routing.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "xpusim/core/error.hpp"

namespace xpusim::workload {

const ParamBinding<ZipfRoutingConfig>& ZipfRoutingConfig::binding() {
  using C = ZipfRoutingConfig;
  static const auto b =
      ParamBinding<C>()
          .real(XPUSIM_KEY(C, skew), "", "Zipf exponent of expert popularity (0 = uniform)",
                {.min = 0, .max = 10})
          .real(XPUSIM_KEY(C, drift), "",
                "fraction of popularity ranks reshuffled from one global batch to the next (0 = "
                "fixed hot set, 1 = a new ranking every batch)",
                {.min = 0, .max = 1})
          .real(XPUSIM_KEY(C, micro_batch_shift), "",
                "fraction of popularity ranks each micro-batch reshuffles from its batch's "
                "ranking (hot experts that differ between micro-batches of one batch)",
                {.min = 0, .max = 1})
          .real(XPUSIM_KEY(C, layer_correlation), "",
                "how much neighbouring layers share their hot experts and their drift (1 = "
                "identical rankings, 0 = independent)",
                {.min = 0, .max = 1});
  return b;
}

std::vector<double> top_k_inclusion(const std::vector<double>& w, int top_k) {
  const std::size_t n = w.size();
  std::vector<double> p(n, 0.0);
  std::vector<bool> capped(n, false);
  double budget = top_k;
  // Water filling: cap the largest at 1 and rescale the rest until none exceeds 1.
  for (std::size_t round = 0; round <= n; ++round) {
    double free_weight = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (!capped[i]) free_weight += w[i];
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (capped[i]) continue;
      p[i] = free_weight > 0 ? budget * w[i] / free_weight : 0.0;
      if (p[i] > 1.0) {
        capped[i] = true, p[i] = 1.0, budget -= 1.0, changed = true;
      }
    }
    if (!changed) break;
  }
  return p;
}

ZipfRouting::ZipfRouting(const ZipfRoutingConfig& config, RngStream rng)
    : config_(config), rng_(rng) {
  if (config_.top_k < 1 || config_.top_k > config_.experts)
    throw Error("routing: top_k must be between 1 and the number of experts");
  std::vector<double> w(config_.experts);
  for (int r = 0; r < config_.experts; ++r) w[r] = 1.0 / std::pow(r + 1.0, config_.skew);
  inclusion_ = top_k_inclusion(w, config_.top_k);
  // Layer 0 gets a random ranking; each next layer is the previous one with a share of its
  // ranks reshuffled, (1 - correlation) of them.
  rank_to_expert_.resize(config_.layers);
  std::vector<int> ranking(config_.experts);
  std::iota(ranking.begin(), ranking.end(), 0);
  for (int i = config_.experts - 1; i > 0; --i)
    std::swap(ranking[i], ranking[rng_.uniform_int(0, i)]);
  for (int l = 0; l < config_.layers; ++l) {
    if (l > 0) random_swaps(ranking, (1.0 - config_.layer_correlation) * config_.experts);
    rank_to_expert_[l] = ranking;
  }
  batch_ranking_ = rank_to_expert_;
}

// Reshuffles about `count` randomly chosen ranks among themselves (a fractional count is
// rounded up with probability equal to its fraction).
void ZipfRouting::random_swaps(std::vector<int>& ranking, double count) {
  const int n = static_cast<int>(ranking.size());
  int m = static_cast<int>(std::floor(count));
  if (rng_.uniform01() < count - m) ++m;
  m = std::min(m, n);
  if (m < 2) return;
  // Choose m distinct positions (partial Fisher–Yates), then shuffle their contents.
  std::vector<int> pos(n);
  std::iota(pos.begin(), pos.end(), 0);
  for (int i = 0; i < m; ++i) std::swap(pos[i], pos[rng_.uniform_int(i, n - 1)]);
  std::vector<int> vals(m);
  for (int i = 0; i < m; ++i) vals[i] = ranking[pos[i]];
  for (int i = m - 1; i > 0; --i) std::swap(vals[i], vals[rng_.uniform_int(0, i)]);
  for (int i = 0; i < m; ++i) ranking[pos[i]] = vals[i];
}

// Layer 0 reshuffles on its own. Every other layer applies the same relabelling of experts
// with probability layer_correlation, and an independent reshuffle otherwise, so layers that
// share hot experts keep sharing them while the hot set moves.
void ZipfRouting::reshuffle(std::vector<std::vector<int>>& rankings, double count) {
  const int e = config_.experts;
  std::vector<int> before = rankings[0];
  random_swaps(rankings[0], count);
  std::vector<int> relabel(e);  // expert -> expert now holding its old rank in layer 0
  for (int r = 0; r < e; ++r) relabel[before[r]] = rankings[0][r];
  for (int l = 1; l < config_.layers; ++l) {
    if (rng_.uniform01() < config_.layer_correlation) {
      for (int& x : rankings[l]) x = relabel[x];
    } else {
      random_swaps(rankings[l], count);
    }
  }
}

std::int64_t ZipfRouting::draw_count(double p) {
  const double n = static_cast<double>(config_.tokens);
  if (p <= 0) return 0;
  if (p >= 1) return config_.tokens;
  if (config_.tokens <= 64) {  // small batches (decode): exact Bernoulli trials
    std::int64_t k = 0;
    for (std::int64_t i = 0; i < config_.tokens; ++i) k += rng_.uniform01() < p ? 1 : 0;
    return k;
  }
  const double mean = n * p;
  const double sd = std::sqrt(n * p * (1 - p));
  const double x = std::round(rng_.normal(mean, sd));
  return static_cast<std::int64_t>(std::clamp(x, 0.0, n));
}

void ZipfRouting::next(ExpertLoads& out) {
  const int per_batch = std::max(1, config_.micro_batches);
  if (drawn_ > 0 && drawn_ % per_batch == 0)
    reshuffle(batch_ranking_, config_.drift * config_.experts);
  ++drawn_;
  rank_to_expert_ = batch_ranking_;
  reshuffle(rank_to_expert_, config_.micro_batch_shift * config_.experts);
  out.assign(config_.layers, std::vector<std::int64_t>(config_.experts, 0));
  for (int l = 0; l < config_.layers; ++l)
    for (int r = 0; r < config_.experts; ++r)
      out[l][rank_to_expert_[l][r]] = draw_count(inclusion_[r]);
}

void ZipfRouting::next_sized(ExpertLoads& out, std::int64_t tokens, int top_k) {
  XPUSIM_CHECK(top_k == config_.top_k, "routing: next_sized with another top_k");
  config_.tokens = tokens;
  next(out);
}

}  // namespace xpusim::workload
