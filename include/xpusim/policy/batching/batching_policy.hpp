#pragma once
// Batching family: "what runs in the next iteration?" — which waiting requests join, which
// running ones are preempted, whether decodes run and how many prompt tokens are processed.
#include "xpusim/core/catalog.hpp"
#include "xpusim/policy/batching/batch_view.hpp"

namespace xpusim::policy {

class BatchingPolicy {
 public:
  virtual ~BatchingPolicy() = default;
  // Fills `plan` for the next iteration. An idle plan means: nothing can run now.
  virtual void plan_iteration(const BatchView& view, IterationPlan& plan) = 0;
  // KV tokens to reserve when `waiting` is admitted. Paged policies reserve the prefill only
  // and grow block by block; Orca reserves for the longest sequence it might become.
  virtual std::int64_t reserve_tokens(const WaitingInfo& waiting) const {
    return waiting.prefill_tokens;
  }
};

using BatchingCatalog = Catalog<BatchingPolicy>;

// Registers every built-in batching policy by the name the YAML uses.
void register_batching_policies(BatchingCatalog& catalog);

}  // namespace xpusim::policy
