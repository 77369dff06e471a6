#pragma once
// MicroEP-style replica placement for MicroMoE (B.3 in refs/policies.md; docs/moe.md): the
// placement plans for the token scheduler that will run on it. Replica counts follow EPLB's
// greedy rule (largest load per replica), at most one copy of an expert per GPU (a second copy
// on the same GPU absorbs nothing); experts are then placed heaviest first, each on the
// least-loaded GPUs with a free slot, and its load is water-filled over them — the split the
// min-max schedule will make — instead of EPLB's even share per replica.
#include <span>
#include <vector>

#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

namespace xpusim::policy {

// Replica count of each expert: one each, then every spare slot to the expert with the largest
// load per replica among those with fewer copies than GPUs (ties: lowest index).
std::vector<int> microep_replica_counts(std::span<const double> loads, int slots, int gpus);

// Contract: returns a complete layout of shape.slots() slots in which every expert has at least
// one replica, no GPU holds more than slots_per_gpu replicas, and no expert has two replicas on
// one GPU while another GPU with a free slot lacks it. Deterministic (ties: lowest index).
ExpertLayout microep_layout(const EpShape& shape, std::span<const double> loads);

// Water-fills `amount` over the GPUs `chosen` (raises the lowest loads to a common level).
void water_fill(std::vector<double>& gpu_load, const std::vector<int>& chosen, double amount);

}  // namespace xpusim::policy
