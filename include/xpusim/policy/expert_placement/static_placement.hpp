#pragma once
// Baseline without balancing (Megatron-style expert parallelism): expert e lives on GPU
// e mod gpus, one copy, never moved; spare slots stay empty.
#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

namespace xpusim::policy {

class StaticPlacement final : public ExpertPlacementPolicy {
 public:
  ExpertLayout place_batch(const PlacementView& view) override;
};

}  // namespace xpusim::policy
