#pragma once
// Layered prefill: the model is split into G contiguous layer groups; a pending prefill advances
// through one group per iteration (its whole prompt) while every decode runs the full model, so
// decodes never stall behind a long prompt and an MoE layer's experts are read once per prefill
// rather than once per chunk (refs/policies.md F.6).
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"

namespace xpusim::policy {

class LayeredPrefillBatching final : public BatchingPolicy {
 public:
  struct Config {
    std::int32_t layer_groups = 4;
    std::int64_t max_num_seqs = 256;
    std::int64_t max_prefill_tokens = 8192;  // prompt tokens in flight through the groups
    PreemptionMode preemption_mode = PreemptionMode::Recompute;
  };
  explicit LayeredPrefillBatching(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();

  void plan_iteration(const BatchView& view, IterationPlan& plan) override;
  BatchingCapabilities capabilities() const override {
    return {.layered_prefill = true, .swap_preemption = true};
  }

 private:
  Config config_;
};

}  // namespace xpusim::policy
