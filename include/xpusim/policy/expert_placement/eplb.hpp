#pragma once
// DeepSeek EPLB (B.1 in refs/policies.md): once per global batch, replicate and pack experts
// from the loads expected over the batch (history, or exact under routing replay).
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

namespace xpusim::policy {

struct EplbConfig {
  std::string mode = "auto";  // auto (the repo's rule), hierarchical, global
  int groups = 0;             // expert groups; 0 = the model's (EpShape::expert_groups)
};

class EplbPlacement final : public ExpertPlacementPolicy {
 public:
  explicit EplbPlacement(EplbConfig config) : config_(std::move(config)) {}
  static const ParamBinding<EplbConfig>& binding();
  ExpertLayout place_batch(const PlacementView& view) override;

 private:
  EplbConfig config_;
};

// EPLB's layout for one layer under `config` (shared with MicroMoE, which places the same way).
// Throws xpusim::Error when the shape does not fit the chosen mode.
ExpertLayout eplb_layout(const EplbConfig& config, const EpShape& shape,
                         std::span<const double> loads);

}  // namespace xpusim::policy
