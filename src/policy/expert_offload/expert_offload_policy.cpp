#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"

namespace xpusim::policy {

int lowest_ranked_resident(const std::vector<bool>& cached, const std::vector<bool>& keep,
                           const std::vector<double>& rank) {
  int best = -1;
  for (std::size_t e = 0; e < cached.size(); ++e)
    if (cached[e] && !keep[e] && (best < 0 || rank[e] < rank[best])) best = static_cast<int>(e);
  return best;
}

}  // namespace xpusim::policy
