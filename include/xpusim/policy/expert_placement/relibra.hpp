#pragma once
// ReLibra (B.2 in refs/policies.md; structure from the abstract, details [sim-ref]): per global
// batch, reorder experts across nodes so each node's batch load is balanced (no replication
// across nodes); per micro-batch, replicate that micro-batch's hot experts within their node
// and pack the node's replicas onto its GPUs, from the micro-batch's loads (exact under routing
// replay). New per-GPU sets are matched to the GPUs already holding most of them, so only
// changed experts are copied.
#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

namespace xpusim::policy {

class RelibraPlacement final : public ExpertPlacementPolicy {
 public:
  ExpertLayout place_batch(const PlacementView& view) override;
  std::optional<ExpertLayout> place_micro_batch(const PlacementView& view) override;
};

// Replication and packing within each node: expert e stays on node node_of[e]; the node's
// slots are filled by EPLB-style greedy replication and packing on `loads` (at most one replica
// of an expert per GPU, docs/moe.md), and the resulting
// per-GPU sets are matched to the GPUs of `current` that already hold most of them.
ExpertLayout replicate_within_nodes(const EpShape& shape, std::span<const double> loads,
                                    const std::vector<int>& node_of, const ExpertLayout& current);
// The node holding each expert in `layout` (its first replica's).
std::vector<int> nodes_of_experts(const EpShape& shape, const ExpertLayout& layout);

}  // namespace xpusim::policy
