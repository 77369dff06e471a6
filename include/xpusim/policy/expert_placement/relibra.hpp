#pragma once
// ReLibra (B.2 in refs/policies.md; structure from the abstract, details [sim-ref], docs/moe.md).
// Per global batch: reorder experts across nodes so each node's batch load is balanced (EPLB's
// balanced packing at node level, no cross-node replicas), and pack each node's experts onto
// its GPUs as their home copies. Per micro-batch: the spare slots of each node are refilled
// with replicas of that micro-batch's hot experts (loads exact under routing replay), each
// replica on the least-loaded GPU of the node that does not hold the expert yet. Home copies
// never move within a batch, so a micro-batch copies at most the spare slots, over NVLink.
#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

namespace xpusim::policy {

class RelibraPlacement final : public ExpertPlacementPolicy {
 public:
  ExpertLayout place_batch(const PlacementView& view) override;
  std::optional<ExpertLayout> place_micro_batch(const PlacementView& view) override;
};

// Home copies: the first `home_per_gpu` slots of each GPU. Exposed for tests.
int home_slots_per_gpu(const EpShape& shape);
// Keeps the home slots of `layout` and refills every spare slot from `loads`.
ExpertLayout refill_spare_slots(const EpShape& shape, std::span<const double> loads,
                                ExpertLayout layout);

}  // namespace xpusim::policy
