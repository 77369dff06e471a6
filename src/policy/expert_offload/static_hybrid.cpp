#include "xpusim/policy/expert_offload/static_hybrid.hpp"

#include <algorithm>

namespace xpusim::policy {

OffloadDecision StaticHybrid::schedule(const OffloadLayerView& view) {
  OffloadDecision d;
  const std::size_t n = view.tokens.size();
  d.run.assign(n, ExpertRun::Cpu);
  d.substitute.assign(n, -1);
  std::vector<int> resident;
  for (std::size_t e = 0; e < n; ++e)
    if (view.tokens[e] > 0 && view.cached[e]) {
      d.run[e] = ExpertRun::Gpu;
      resident.push_back(static_cast<int>(e));
    }
  // Larger experts first, as any GPU queue (the order does not change the GPU's total).
  std::stable_sort(resident.begin(), resident.end(),
                   [&](int a, int b) { return view.tokens[a] > view.tokens[b]; });
  d.gpu_order = std::move(resident);
  d.cache_fetched = false;
  return d;
}

// Never fetches, so the runner never needs room; refuse to evict if asked.
int StaticHybrid::victim(int, const std::vector<bool>&, const std::vector<bool>&) { return -1; }

}  // namespace xpusim::policy
