#pragma once
// Synthetic MoE routing: expert popularity follows a Zipf law over a per-layer ranking (the hot
// set). Each global batch has a ranking that drifts from the previous batch's by reshuffling a
// share of its ranks; each micro-batch deviates from its batch's ranking by reshuffling another
// share; neighbouring layers share their ranking (and its changes) to a configurable degree. Counts
// are drawn per expert (binomial, normal approximation; exact trials up to 64 tokens) from each
// token's probability of choosing the expert among its top-k. With coactivation_groups > 0 each
// token draws its own top-k instead (weighted sampling without replacement, by Gumbel top-k), its
// later choices drawn from its first expert's group with probability group_affinity, so experts
// of a group are co-selected, and its first choice in the next layer from the same group as
// often (cross-layer affinity, what prefetchers predict from); docs/moe.md. The per-token
// choices are token_routes().
#include <cstdint>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::workload {

// The shape (layers, experts, top_k, tokens, micro_batches) comes from the model and the run;
// the popularity keys (skew, drift, micro_batch_shift, layer_correlation) are bound by
// binding(), the keys under `routing:` when source is zipf.
struct ZipfRoutingConfig {
  int layers = 1;
  int experts = 8;
  int top_k = 2;
  std::int64_t tokens = 4096;      // tokens per micro-batch (each picks top_k experts)
  double skew = 1.0;               // Zipf exponent s: weight of rank r is 1 / (r + 1)^s
  double drift = 0.05;             // fraction of ranks reshuffled from one global batch to the next
  double micro_batch_shift = 0.2;  // fraction of ranks a micro-batch reshuffles from its batch's
  int micro_batches = 1;           // micro-batches per global batch
  double layer_correlation = 0.5;  // 1: every layer has layer 0's ranking; 0: independent
  // 0: per-expert counts only (binomial draws). G >= 1: per-token top-k draws; experts split
  // into G groups of consecutive ids (expert e in group e * G / experts).
  int coactivation_groups = 0;
  double group_affinity = 0.8;  // chance a token's next expert comes from its first's group

  static const ParamBinding<ZipfRoutingConfig>& binding();
};

// Probability that one token picks each expert when it picks `top_k` distinct experts with
// weights `w`: k * w / sum(w), capped at 1 with the excess spread over the others (water
// filling), so the probabilities sum to k and each is at most 1.
std::vector<double> top_k_inclusion(const std::vector<double>& w, int top_k);

class ZipfRouting final : public RoutingSource {
 public:
  ZipfRouting(const ZipfRoutingConfig& config, RngStream rng);
  int layers() const override { return config_.layers; }
  int experts() const override { return config_.experts; }
  void next(ExpertLoads& out) override;
  // Draws for `tokens` tokens (the configured top_k; `top_k` must equal it).
  void next_sized(ExpertLoads& out, std::int64_t tokens, int top_k) override;
  // The current ranking of a layer: rank_to_expert[r] is the expert at popularity rank r.
  const std::vector<int>& ranking(int layer) const { return rank_to_expert_[layer]; }
  const TokenRoutes* token_routes() const override {
    return config_.coactivation_groups > 0 ? &routes_ : nullptr;
  }

 private:
  // Reshuffles `count` ranks of layer 0 and, per other layer, the same relabelling with
  // probability layer_correlation or its own reshuffle otherwise.
  void reshuffle(std::vector<std::vector<int>>& rankings, double count);
  void random_swaps(std::vector<int>& ranking, double count);
  std::int64_t draw_count(double p);
  // Per-token top-k of every layer into `out` and routes_ (coactivation_groups > 0).
  void draw_tokens(ExpertLoads& out);
  // One token's top-k in a layer from its perturbed log-weights `key`; appends to routes_.
  // `previous_group`: its first expert's group in the previous layer (-1: none). Returns the
  // group of its first expert here.
  int pick_token(int layer, std::vector<double>& key, int previous_group, ExpertLoads& out);

  ZipfRoutingConfig config_;
  RngStream rng_;
  std::vector<double> inclusion_;                 // by rank
  std::vector<std::vector<int>> rank_to_expert_;  // the current micro-batch's
  std::vector<std::vector<int>> batch_ranking_;   // the current global batch's
  std::int64_t drawn_ = 0;
  std::vector<double> log_weight_;  // by rank
  TokenRoutes routes_;
  std::vector<int> group_;  // per token: its first expert's group in the last layer drawn
};

}  // namespace xpusim::workload
