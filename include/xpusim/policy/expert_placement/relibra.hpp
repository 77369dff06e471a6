#pragma once
// ReLibra (B.2 in refs/policies.md; structure from the abstract, details [sim-ref], docs/moe.md).
// Per global batch: reorder experts across nodes so each node's batch load is balanced (EPLB's
// balanced packing at node level, no cross-node replicas), and pack each node's experts onto
// its GPUs as their home copies. Per micro-batch: the spare slots of each node are refilled
// with replicas of that micro-batch's hot experts (loads exact under routing replay), each
// replica on the least-loaded GPU of the node that does not hold the expert yet. Home copies
// never move within a batch, so a micro-batch copies at most the spare slots, over NVLink.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

namespace xpusim::policy {

// How a micro-batch's tokens of a replicated expert are split over its copies (the paper does
// not say): evenly, as engines do, or by the exact min-max schedule (min_max_schedule.hpp).
struct RelibraConfig {
  bool min_max_split = false;
};

class RelibraPlacement final : public ExpertPlacementPolicy {
 public:
  explicit RelibraPlacement(RelibraConfig config = {}) : config_(config) {}
  static const ParamBinding<RelibraConfig>& binding();
  ExpertLayout place_batch(const PlacementView& view) override;
  std::optional<ExpertLayout> place_micro_batch(const PlacementView& view) override;
  std::vector<double> schedule_tokens(const EpShape& shape, const ExpertLayout& layout,
                                      std::span<const std::int64_t> loads) override;

 private:
  RelibraConfig config_;
};

// Home copies: the first `home_per_gpu` slots of each GPU. Exposed for tests.
int home_slots_per_gpu(const EpShape& shape);
// Keeps the home slots of `layout` and refills every spare slot from `loads`.
ExpertLayout refill_spare_slots(const EpShape& shape, std::span<const double> loads,
                                ExpertLayout layout);

}  // namespace xpusim::policy
