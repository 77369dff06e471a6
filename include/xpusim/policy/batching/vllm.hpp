#pragma once
// vLLM (v0, chunked prefill off): FCFS admission while KV blocks allow, prefill-only iterations
// whenever something can be admitted, otherwise a decode iteration; when a decode step lacks
// blocks, the newest running sequences are preempted until it fits: recomputed later, or, with
// preemption_mode swap, their KV swapped to host memory and swapped back in before new
// requests are admitted.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"

namespace xpusim::policy {

class VllmBatching final : public BatchingPolicy {
 public:
  using PreemptionMode = policy::PreemptionMode;
  struct Config {
    std::int64_t max_num_seqs = 256;
    std::int64_t max_num_batched_tokens = 8192;
    double watermark = 0.01;  // fraction of blocks kept free at admission
    PreemptionMode preemption_mode = PreemptionMode::Recompute;
  };
  explicit VllmBatching(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();

  void plan_iteration(const BatchView& view, IterationPlan& plan) override;
  BatchingCapabilities capabilities() const override { return {.swap_preemption = true}; }

 private:
  std::size_t admissible(const BatchView& view) const;
  Config config_;
};

}  // namespace xpusim::policy
