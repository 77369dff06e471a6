#include "xpusim/systems/expert_layers.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "xpusim/policy/expert_placement/static_placement.hpp"

namespace xpusim::systems {

ExpertPass expert_pass(const MoeCostModel& cost, const policy::EpShape& shape,
                       policy::ExpertPlacementPolicy& policy, const policy::ExpertLayout& layout,
                       std::span<const std::int64_t> loads, bool prefill) {
  const std::vector<double> gpu = policy.schedule_tokens(shape, layout, loads);
  const double total = std::accumulate(gpu.begin(), gpu.end(), 0.0);
  const double mean = total / shape.gpus;
  ExpertPass p;
  double active_sum = 0;
  for (int g = 0; g < shape.gpus; ++g) {
    int active = 0;
    for (int s = g * shape.slots_per_gpu; s < (g + 1) * shape.slots_per_gpu; ++s)
      active += layout.phy2log[s] >= 0 && loads[layout.phy2log[s]] > 0 ? 1 : 0;
    active_sum += active;
    p.expert_s = std::max(p.expert_s, cost.expert_seconds(gpu[g], active, prefill));
    p.max_gpu_tokens = std::max(p.max_gpu_tokens, gpu[g]);
  }
  const AllToAll a2a = cost.all_to_all(gpu);
  const AllToAll ideal_a2a = cost.all_to_all(std::vector<double>(shape.gpus, mean));
  const int ideal_active = static_cast<int>(std::ceil(active_sum / shape.gpus));
  p.all_to_all_s = a2a.seconds;
  p.all_to_all_bytes = a2a.bytes;
  p.ideal_all_to_all_s = ideal_a2a.seconds;
  p.ideal_expert_s = cost.expert_seconds(mean, ideal_active, prefill);
  p.mean_gpu_tokens = mean;
  return p;
}

ExpertLayers::ExpertLayers(const policy::EpShape& shape, int layers, double tokens) {
  policy::StaticPlacement start;
  const std::vector<double> uniform(shape.experts, tokens / shape.experts);
  const policy::ExpertLayout empty{std::vector<int>(shape.slots(), -1)};
  for (int l = 0; l < layers; ++l) {
    layouts_.push_back(start.place_batch({shape, uniform, empty}));
    predicted_.push_back(uniform);
  }
}

AllToAll ExpertLayers::install(int layer, policy::ExpertLayout next, const MoeCostModel& cost) {
  const AllToAll moves = cost.weight_moves(layouts_[layer], next);
  layouts_[layer] = std::move(next);
  return moves;
}

void ExpertLayers::remember(int layer, std::span<const double> mean, double weight) {
  std::vector<double>& p = predicted_[layer];
  for (std::size_t e = 0; e < p.size(); ++e) p[e] = weight * mean[e] + (1 - weight) * p[e];
}

}  // namespace xpusim::systems
