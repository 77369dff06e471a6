#pragma once
// MicroMoE / MicroEP (B.3 in refs/policies.md): replicas placed per global batch as EPLB does
// (the paper's placement is not public; docs/moe.md), and per micro-batch every expert's tokens
// scheduled across the GPUs holding it to minimise the largest GPU load, exactly.
#include "xpusim/policy/expert_placement/eplb.hpp"

namespace xpusim::policy {

class MicroMoePlacement final : public ExpertPlacementPolicy {
 public:
  explicit MicroMoePlacement(EplbConfig config) : config_(std::move(config)) {}
  ExpertLayout place_batch(const PlacementView& view) override;
  std::vector<double> schedule_tokens(const EpShape& shape, const ExpertLayout& layout,
                                      std::span<const std::int64_t> loads) override;

 private:
  EplbConfig config_;
};

}  // namespace xpusim::policy
