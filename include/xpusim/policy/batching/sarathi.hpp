#pragma once
// Sarathi-Serve: chunked prefill under a per-iteration token budget. Every iteration runs all
// decodes first (one token each), then continues partial prefills, then admits new requests
// while the budget, KV blocks and the sequence cap allow (refs/policies.md F.3, from the code).
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"

namespace xpusim::policy {

class SarathiBatching final : public BatchingPolicy {
 public:
  struct Config {
    std::int64_t chunk_size = 512;  // token budget per iteration (decodes + prefill chunks)
    std::int64_t max_num_seqs = 128;
    // Dynamic chunking: the budget falls from high to low chunk size in `stages` steps as the
    // prompt being prefilled progresses through `chunk_schedule_max_tokens` tokens.
    bool dynamic_chunking = false;
    std::int64_t low_chunk_size = 128;
    std::int64_t high_chunk_size = 2048;
    std::int64_t chunk_schedule_max_tokens = 131072;
    std::int64_t chunk_schedule_stages = 16;
    PreemptionMode preemption_mode = PreemptionMode::Recompute;
  };
  explicit SarathiBatching(Config config);
  static const ParamBinding<Config>& binding();

  void plan_iteration(const BatchView& view, IterationPlan& plan) override;
  BatchingCapabilities capabilities() const override {
    return {.chunked_prefill = true, .swap_preemption = true};
  }
  // The token budget for a prompt that has `processed` tokens done (chunk_size when static).
  std::int64_t chunk_for(std::int64_t processed) const;

 private:
  Config config_;
  std::vector<std::int64_t> stage_chunks_;  // dynamic chunking: budget per stage
  std::int64_t tokens_per_stage_ = 1;
};

}  // namespace xpusim::policy
