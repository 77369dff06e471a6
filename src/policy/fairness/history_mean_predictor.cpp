#include "xpusim/policy/fairness/history_mean_predictor.hpp"

#include <algorithm>

namespace xpusim::policy {

double HistoryMeanPredictor::predict(const FairRequest& r) {
  const auto t = static_cast<std::size_t>(std::max(r.tenant, 0));
  if (t >= by_tenant_.size() || by_tenant_[t].count == 0) return std::max(1.0, prior_);
  return std::max(1.0, by_tenant_[t].sum / static_cast<double>(by_tenant_[t].count));
}

void HistoryMeanPredictor::observe(const FairRequest& r, std::int64_t output_tokens) {
  const auto t = static_cast<std::size_t>(std::max(r.tenant, 0));
  if (t >= by_tenant_.size()) by_tenant_.resize(t + 1);
  by_tenant_[t].sum += static_cast<double>(output_tokens);
  ++by_tenant_[t].count;
}

}  // namespace xpusim::policy
