#pragma once
// MicroMoE / MicroEP (B.3 in refs/policies.md): replicas placed per global batch for the token
// scheduler (MicroEP-style, microep_layout.hpp; or as EPLB places them, for comparison), and per
// micro-batch every expert's tokens scheduled across the GPUs holding it to minimise the largest
// GPU load, exactly.
#include "xpusim/policy/expert_placement/eplb.hpp"

namespace xpusim::policy {

struct MicroMoeConfig {
  std::string replicas = "microep";  // microep (schedule-aware) or eplb (EPLB's layout)
  EplbConfig eplb;                   // used when replicas == "eplb"
};

class MicroMoePlacement final : public ExpertPlacementPolicy {
 public:
  explicit MicroMoePlacement(MicroMoeConfig config) : config_(std::move(config)) {}
  static const ParamBinding<MicroMoeConfig>& binding();
  ExpertLayout place_batch(const PlacementView& view) override;
  std::vector<double> schedule_tokens(const EpShape& shape, const ExpertLayout& layout,
                                      std::span<const std::int64_t> loads) override;

 private:
  MicroMoeConfig config_;
};

}  // namespace xpusim::policy
