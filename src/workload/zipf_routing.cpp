#include "xpusim/workload/zipf_routing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
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
                {.min = 0, .max = 1})
          .integer(XPUSIM_KEY(C, coactivation_groups), "",
                   "0: per-expert token counts only; G >= 1: each token draws its own top-k "
                   "experts, which are split into G groups of consecutive ids whose members "
                   "tend to be selected together (per-token co-selection, BuddyMoE)",
                   {.min = 0, .max = 4096})
          .real(XPUSIM_KEY(C, group_affinity), "",
                "with coactivation_groups: chance that each of a token's experts after the "
                "first is drawn from the first one's group (0 = no co-activation structure)",
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
  if (config_.coactivation_groups > config_.experts)
    throw Error("routing: coactivation_groups must be at most the number of experts");
  for (double x : w) log_weight_.push_back(std::log(x));
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
  if (config_.coactivation_groups > 0) return draw_tokens(out);
  for (int l = 0; l < config_.layers; ++l)
    for (int r = 0; r < config_.experts; ++r)
      out[l][rank_to_expert_[l][r]] = draw_count(inclusion_[r]);
}

void ZipfRouting::draw_tokens(ExpertLoads& out) {
  const int n = config_.experts, k = config_.top_k;
  routes_.top_k = k;
  routes_.experts.assign(config_.layers, {});
  routes_.scores.assign(config_.layers, {});
  std::vector<double> log_w(n), key(n);
  group_.assign(static_cast<std::size_t>(config_.tokens), -1);
  for (int l = 0; l < config_.layers; ++l) {
    for (int r = 0; r < n; ++r) log_w[rank_to_expert_[l][r]] = log_weight_[r];
    routes_.experts[l].reserve(static_cast<std::size_t>(config_.tokens * k));
    routes_.scores[l].reserve(static_cast<std::size_t>(config_.tokens * k));
    for (std::int64_t t = 0; t < config_.tokens; ++t) {
      // Gumbel top-k: log w + Gumbel noise, highest keys first, is sampling without
      // replacement in proportion to w; the keys are the token's router logits.
      for (int e = 0; e < n; ++e) {
        const double u = std::max(rng_.uniform01(), 1e-300);
        key[e] = log_w[e] - std::log(-std::log(u) + 1e-300);
      }
      group_[t] = pick_token(l, key, group_[t], out);
    }
  }
}

int ZipfRouting::pick_token(int layer, std::vector<double>& key, int previous_group,
                            ExpertLoads& out) {
  const int n = config_.experts, groups = config_.coactivation_groups;
  const double lowest = -std::numeric_limits<double>::infinity();
  auto best_of = [&](int group) {  // -1: every expert
    int best = -1;
    for (int e = 0; e < n; ++e)
      if (key[e] > lowest && (group < 0 || e * groups / n == group) &&
          (best < 0 || key[e] > key[best]))
        best = e;
    return best;
  };
  int first = -1;
  double first_key = 0, sum = 0;
  const std::size_t begin = routes_.scores[layer].size();
  for (int j = 0; j < config_.top_k; ++j) {
    int e = -1;
    if (j > 0 && rng_.uniform01() < config_.group_affinity) e = best_of(first * groups / n);
    // A token keeps its previous layer's group (cross-layer affinity) as often.
    if (j == 0 && previous_group >= 0 && rng_.uniform01() < config_.group_affinity)
      e = best_of(previous_group);
    if (e < 0) e = best_of(-1);
    if (j == 0) first = e, first_key = key[e];
    const double score = std::exp(key[e] - first_key);  // softmax over the chosen logits
    sum += score;
    key[e] = lowest;  // picked
    ++out[layer][e];
    routes_.experts[layer].push_back(e);
    routes_.scores[layer].push_back(score);
  }
  for (std::size_t i = begin; i < routes_.scores[layer].size(); ++i) routes_.scores[layer][i] /= sum;
  return first * groups / n;
}

void ZipfRouting::next_sized(ExpertLoads& out, std::int64_t tokens, int top_k) {
  XPUSIM_CHECK(top_k == config_.top_k, "routing: next_sized with another top_k");
  config_.tokens = tokens;
  next(out);
}

}  // namespace xpusim::workload
