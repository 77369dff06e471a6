#pragma once
// Exact min-max token scheduling over replicas (the MicroMoE problem, B.3 [sim-ref]): assign
// each expert's tokens to GPUs holding a replica of it so that the largest per-GPU token count
// is as small as possible. Solved exactly over integers by binary search on the bound T with a
// max-flow feasibility test (source -> expert (n_e) -> GPU holding it (inf) -> sink (T)).
#include <cstdint>
#include <span>
#include <vector>

#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

namespace xpusim::policy {

struct TokenSchedule {
  std::int64_t max_gpu_tokens = 0;
  std::vector<std::vector<std::int64_t>> tokens;  // [expert][gpu]
  std::vector<std::int64_t> gpu_tokens;           // per GPU
};

// Requires every expert with tokens to have a replica in `layout`.
TokenSchedule min_max_schedule(const EpShape& shape, const ExpertLayout& layout,
                               std::span<const std::int64_t> loads);

}  // namespace xpusim::policy
