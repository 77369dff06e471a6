#include "xpusim/policy/expert_offload/fetch_on_demand.hpp"

namespace xpusim::policy {

const ParamBinding<FetchOnDemandConfig>& FetchOnDemand::binding() {
  static const auto b = ParamBinding<FetchOnDemandConfig>().integer(
      XPUSIM_KEY(FetchOnDemandConfig, prefetch), "",
      "experts of the next layer predicted (moving average of past activations) and prefetched "
      "while a layer runs (0 = no prefetch)",
      {.min = 0, .max = 4096});
  return b;
}

OffloadDecision FetchOnDemand::schedule(const OffloadLayerView& view) {
  OffloadDecision d;
  const std::size_t n = view.tokens.size();
  d.run.assign(n, ExpertRun::Gpu);
  d.substitute.assign(n, -1);
  // Resident experts first (they can start at once), then fetched ones in fetch order.
  for (std::size_t e = 0; e < n; ++e)
    if (view.tokens[e] > 0 && view.cached[e]) d.gpu_order.push_back(static_cast<int>(e));
  for (std::size_t e = 0; e < n; ++e)
    if (view.tokens[e] > 0 && !view.cached[e]) {
      d.run[e] = ExpertRun::FetchThenGpu;
      d.gpu_order.push_back(static_cast<int>(e));
    }
  if (view.next_cached != nullptr)
    d.prefetch_next =
        predictor_.predict(view.layer, *view.next_cached, view.token_experts, view.top_k);
  return d;
}

int FetchOnDemand::victim(int layer, const std::vector<bool>& cached,
                          const std::vector<bool>& keep) {
  if (last_use_.size() <= static_cast<std::size_t>(layer)) last_use_.resize(layer + 1);
  last_use_[layer].resize(cached.size(), -1.0);
  return lowest_ranked_resident(cached, keep, last_use_[layer]);
}

void FetchOnDemand::on_layer_done(const OffloadLayerView& view) {
  if (last_use_.size() <= static_cast<std::size_t>(view.layer)) last_use_.resize(view.layer + 1);
  last_use_[view.layer].resize(view.tokens.size(), -1.0);
  clock_ += 1;
  if (predictor_.count() > 0) predictor_.observe(view.layer, view.tokens, view.token_experts, view.top_k);
  for (std::size_t e = 0; e < view.tokens.size(); ++e)
    if (view.tokens[e] > 0) last_use_[view.layer][e] = clock_;
}

}  // namespace xpusim::policy
