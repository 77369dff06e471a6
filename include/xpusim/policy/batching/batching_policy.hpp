#pragma once
// Batching family: "what runs in the next iteration?" — which waiting requests join, which
// running ones are preempted, whether decodes run and how many prompt tokens are processed.
#include "xpusim/core/catalog.hpp"
#include "xpusim/policy/batching/batch_view.hpp"

namespace xpusim::policy {

// What a batching policy can do, declared by the policy so that the serving core and the
// scenario checks ask about abilities, never about names. Every policy resumes KV that arrives
// from elsewhere (batching_rules.hpp: resume_oldest), so every policy runs co-located, on
// either pool of a disaggregated cluster, and under live migration.
// What preemption does with a victim's KV: drop it and recompute the prefill later, or swap it
// to host memory over PCIe (instance.swap_space_gb).
enum class PreemptionMode { Recompute, Swap };

struct BatchingCapabilities {
  bool chunked_prefill = false;   // splits a prompt into token chunks over several iterations
  bool layered_prefill = false;   // moves whole prompts through one layer group per iteration
  bool preempts = true;           // may preempt running sequences when KV runs out
  bool swap_preemption = false;   // can preempt by swapping KV to host (preemption_mode)
  bool prefill_pool = true;       // can run a prefill-only instance (hands prompts off)
  bool decode_pool = true;        // can run a decode-only instance (resumes arrived KV)
  bool migration_target = true;   // resumes live-migrated sequences
};

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
  virtual BatchingCapabilities capabilities() const = 0;
};

using BatchingCatalog = Catalog<BatchingPolicy>;

// Registers every built-in batching policy by the name the YAML uses.
void register_batching_policies(BatchingCatalog& catalog);

}  // namespace xpusim::policy
