#pragma once
// HybriMoE's impact-driven prefetch (B.4: described in the paper, not in the public code; our
// rule, docs/moe.md): while layer l runs, predict layer l+1's tokens per expert from the cache
// scores S (n_e = S_e / sum S x the layer's routed pairs), time layer l+1 with the HSS split
// with and without each candidate resident, and prefetch greedily the candidate whose presence
// shortens the predicted layer most, until `limit` are chosen or none helps. When the cache is
// full a prefetch evicts the resident expert with the lowest S (the MRS victim), so the
// prediction drops that one too: a prefetch that pushes out a needed expert does not pay.
#include <cstdint>
#include <vector>

#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"

namespace xpusim::policy {

// Predicted time of one layer under the HSS split (GPU queue with PCIe waits, CPU with its
// launch cost), given tokens per expert and which experts are resident.
double hss_makespan(const std::vector<std::int64_t>& tokens, const std::vector<bool>& cached,
                    const OffloadTimes& times);

// Contract: returns at most `limit` non-resident experts of the next layer, best first; every
// one strictly shortens the predicted next layer given the ones before it. `score` is the next
// layer's S per expert; `routed_pairs` the token-expert assignments of a layer.
std::vector<int> impact_prefetch(const std::vector<double>& score,
                                 const std::vector<bool>& next_cached, int capacity,
                                 std::int64_t routed_pairs, int limit, const OffloadTimes& times);

}  // namespace xpusim::policy
