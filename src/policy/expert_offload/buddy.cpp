#include "xpusim/policy/expert_offload/buddy.hpp"

#include <cmath>

namespace xpusim::policy {

const ParamBinding<BuddyConfig>& BuddyMoe::binding() {
  using C = BuddyConfig;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, prefetch), "",
                   "experts of the next layer predicted (moving average of past activations) "
                   "and prefetched while a layer runs; a miss is a prefetch failure",
                   {.min = 0, .max = 4096})
          .integer(XPUSIM_KEY(C, profile_iterations), "",
                   "iterations whose routing is profiled for co-activation before buddies are "
                   "used (they run as fetch-on-demand with the prefetcher)",
                   {.min = 1, .max = 100000000})
          .integer(XPUSIM_KEY(C, search_limit), "",
                   "H: best buddies (by conditional co-activation) looked at for a missed "
                   "expert; the first resident one computes it",
                   {.min = 1, .max = 4096})
          .real(XPUSIM_KEY(C, entropy_threshold), "",
                "token activating entropy gate: substitute only if every token of the expert "
                "has routing entropy / log(top_k) at least this (0 = always)",
                {.min = 0, .max = 1})
          .real(XPUSIM_KEY(C, max_missing_share), "",
                "distribution gate: substitute only if every token of the expert missed at "
                "most this share of its top-k experts (1 = always)",
                {.min = 0, .max = 1});
  return b;
}

double BuddyMoe::normalised_entropy(std::span<const double> scores) {
  if (scores.size() < 2) return 0;
  double h = 0;
  for (double p : scores)
    if (p > 0) h -= p * std::log(p);
  return h / std::log(static_cast<double>(scores.size()));
}

const std::vector<int>& BuddyMoe::buddies(int layer, int expert) const {
  static const std::vector<int> none;
  if (static_cast<std::size_t>(layer) >= buddies_.size()) return none;
  return buddies_[layer][expert];
}

std::vector<bool> BuddyMoe::gates_pass(const OffloadLayerView& view) const {
  const std::size_t n = view.tokens.size();
  const int k = view.top_k;
  std::vector<bool> pass(n, true);
  if (view.token_experts.empty()) {  // counts only: the distribution gate over the layer
    std::int64_t active = 0, missed = 0;
    for (std::size_t e = 0; e < n; ++e)
      if (view.tokens[e] > 0) ++active, missed += view.cached[e] ? 0 : 1;
    const bool ok = static_cast<double>(missed) <= config_.max_missing_share * active;
    return std::vector<bool>(n, ok);
  }
  const std::size_t tokens = view.token_experts.size() / static_cast<std::size_t>(k);
  for (std::size_t t = 0; t < tokens; ++t) {
    const auto experts = view.token_experts.subspan(t * k, k);
    int missed = 0;
    for (int e : experts) missed += view.cached[e] ? 0 : 1;
    const bool ok =
        normalised_entropy(view.token_scores.subspan(t * k, k)) >= config_.entropy_threshold &&
        missed <= config_.max_missing_share * k;
    if (!ok)
      for (int e : experts) pass[e] = false;
  }
  return pass;
}

OffloadDecision BuddyMoe::schedule(const OffloadLayerView& view) {
  OffloadDecision d = base_.schedule(view);
  if (!profiled_) return d;
  const std::vector<bool> pass = gates_pass(view);
  d.similarity.assign(view.tokens.size(), 0.0);
  std::vector<int> order;
  for (int e : d.gpu_order) {
    int buddy = -1;
    if (d.run[e] == ExpertRun::FetchThenGpu && pass[e])
      for (int b : buddies_[view.layer][e])
        if (view.cached[b]) {
          buddy = b;
          break;
        }
    if (buddy < 0) {
      order.push_back(e);
      continue;
    }
    d.run[e] = ExpertRun::Substitute;
    d.substitute[e] = buddy;
    d.similarity[e] = profile_->similarity(view.layer, e, buddy);
  }
  d.gpu_order = order;
  return d;
}

void BuddyMoe::on_layer_done(const OffloadLayerView& view) {
  base_.on_layer_done(view);
  if (profiled_) return;
  const int n = static_cast<int>(view.tokens.size());
  if (!profile_) profile_ = std::make_unique<CoActivationProfile>(view.layers, n);
  if (view.token_experts.empty()) {
    profile_->add_counts(view.layer, view.tokens);
  } else {
    const std::size_t k = static_cast<std::size_t>(view.top_k);
    for (std::size_t i = 0; i + k <= view.token_experts.size(); i += k)
      profile_->add_token(view.layer, view.token_experts.subspan(i, k));
  }
  if (view.layer + 1 < view.layers || ++iterations_ < config_.profile_iterations) return;
  buddies_.assign(view.layers, std::vector<std::vector<int>>(n));
  for (int l = 0; l < view.layers; ++l)
    for (int e = 0; e < n; ++e) buddies_[l][e] = profile_->buddies(l, e, config_.search_limit);
  profiled_ = true;
}

}  // namespace xpusim::policy
