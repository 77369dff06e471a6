#include "xpusim/policy/expert_placement/microep_layout.hpp"

#include <algorithm>
#include <numeric>

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

std::vector<int> microep_replica_counts(std::span<const double> loads, int slots, int gpus) {
  const int n = static_cast<int>(loads.size());
  XPUSIM_CHECK(slots >= n, "microep: fewer slots than experts");
  std::vector<int> count(n, 1);
  for (int extra = slots - n; extra > 0; --extra) {
    int best = -1;
    for (int e = 0; e < n; ++e)
      if (count[e] < gpus && (best < 0 || loads[e] / count[e] > loads[best] / count[best]))
        best = e;
    if (best < 0) break;  // every expert on every GPU: the rest stay empty
    ++count[best];
  }
  return count;
}

void water_fill(std::vector<double>& gpu_load, const std::vector<int>& chosen, double amount) {
  std::vector<double> level;
  for (int g : chosen) level.push_back(gpu_load[g]);
  std::sort(level.begin(), level.end());
  // Find the level L with sum over chosen of max(0, L - load) = amount.
  double prefix = 0, target = level.empty() ? 0 : level[0] + amount;
  for (std::size_t k = 0; k < level.size(); ++k) {
    prefix += level[k];
    const double l = (amount + prefix) / static_cast<double>(k + 1);
    if (k + 1 == level.size() || l <= level[k + 1]) {
      target = l;
      break;
    }
  }
  for (int g : chosen) gpu_load[g] = std::max(gpu_load[g], target);
}

ExpertLayout microep_layout(const EpShape& shape, std::span<const double> loads) {
  const int n = shape.experts;
  const std::vector<int> count = microep_replica_counts(loads, shape.slots(), shape.gpus);
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return loads[a] > loads[b]; });
  std::vector<double> gpu_load(shape.gpus, 0.0);
  std::vector<int> used(shape.gpus, 0);
  ExpertLayout out{std::vector<int>(shape.slots(), -1)};
  for (int e : order) {
    std::vector<int> free;
    for (int g = 0; g < shape.gpus; ++g)
      if (used[g] < shape.slots_per_gpu) free.push_back(g);
    std::stable_sort(free.begin(), free.end(),
                     [&](int a, int b) { return gpu_load[a] < gpu_load[b]; });
    XPUSIM_CHECK(!free.empty(), "microep: no free slot left");
    std::vector<int> chosen(free.begin(),
                            free.begin() + std::min<std::size_t>(count[e], free.size()));
    for (int g : chosen) out.phy2log[g * shape.slots_per_gpu + used[g]++] = e;
    water_fill(gpu_load, chosen, loads[e]);
  }
  return out;
}

}  // namespace xpusim::policy
