#pragma once
// What the moe kind's runner and serving's expert-parallel stage share about the MoE layers of
// one expert-parallel group: the layout of every layer and the load history a placement policy
// plans from (ExpertLayers), and the timing of one layer pass under a layout (expert_pass).
// One implementation for both (docs/moe.md).
#include <cstdint>
#include <span>
#include <vector>

#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"
#include "xpusim/systems/moe_cost_model.hpp"

namespace xpusim::systems {

// One MoE layer pass's routed experts under a layout.
struct ExpertPass {
  double expert_s = 0;          // the slowest GPU's expert GEMMs
  double all_to_all_s = 0;      // one all-to-all (dispatch; combine is its mirror, the same)
  double all_to_all_bytes = 0;  // bytes of that one all-to-all
  double ideal_expert_s = 0;    // every GPU with the mean load
  double ideal_all_to_all_s = 0;
  double max_gpu_tokens = 0;  // token-expert pairs the busiest GPU computes
  double mean_gpu_tokens = 0;
};

// Splits `loads` over the GPUs with the policy's schedule_tokens, then times the slowest GPU's
// experts (at the prefill GEMM efficiency when `prefill`) and the all-to-all that feeds them.
ExpertPass expert_pass(const MoeCostModel& cost, const policy::EpShape& shape,
                       policy::ExpertPlacementPolicy& policy, const policy::ExpertLayout& layout,
                       std::span<const std::int64_t> loads, bool prefill);

// Per MoE layer: the layout in place and the moving average of observed loads. Starts from the
// deployment's round-robin layout (static placement) with a uniform history of `tokens` tokens
// per layer spread over the experts.
class ExpertLayers {
 public:
  ExpertLayers(const policy::EpShape& shape, int layers, double tokens);
  int layers() const { return static_cast<int>(layouts_.size()); }
  const policy::ExpertLayout& layout(int layer) const { return layouts_[layer]; }
  const std::vector<double>& predicted(int layer) const { return predicted_[layer]; }
  // Installs `next` as layer's layout; returns the copies that turned the old one into it.
  AllToAll install(int layer, policy::ExpertLayout next, const MoeCostModel& cost);
  // Folds one batch's mean loads of a layer into its history: weight on the newest.
  void remember(int layer, std::span<const double> mean, double weight);

 private:
  std::vector<policy::ExpertLayout> layouts_;
  std::vector<std::vector<double>> predicted_;
};

}  // namespace xpusim::systems
