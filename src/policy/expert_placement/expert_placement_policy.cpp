#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

bool ExpertLayout::holds(const EpShape& shape, int gpu, int expert) const {
  for (int s = gpu * shape.slots_per_gpu; s < (gpu + 1) * shape.slots_per_gpu; ++s)
    if (phy2log[s] == expert) return true;
  return false;
}

std::vector<int> ExpertLayout::replica_counts(int experts) const {
  std::vector<int> cnt(experts, 0);
  for (int e : phy2log)
    if (e >= 0) ++cnt[e];
  return cnt;
}

std::optional<ExpertLayout> ExpertPlacementPolicy::place_micro_batch(const PlacementView&) {
  return std::nullopt;
}

std::vector<double> ExpertPlacementPolicy::schedule_tokens(const EpShape& shape,
                                                           const ExpertLayout& layout,
                                                           std::span<const std::int64_t> loads) {
  return even_split(shape, layout, loads);
}

std::vector<double> even_split(const EpShape& shape, const ExpertLayout& layout,
                               std::span<const std::int64_t> loads) {
  const std::vector<int> cnt = layout.replica_counts(shape.experts);
  std::vector<double> gpu(shape.gpus, 0.0);
  for (int s = 0; s < shape.slots(); ++s) {
    const int e = layout.phy2log[s];
    if (e >= 0) gpu[shape.gpu_of_slot(s)] += static_cast<double>(loads[e]) / cnt[e];
  }
  for (int e = 0; e < shape.experts; ++e)
    XPUSIM_CHECK(cnt[e] > 0 || loads[e] == 0, "expert with tokens but no replica");
  return gpu;
}

}  // namespace xpusim::policy
