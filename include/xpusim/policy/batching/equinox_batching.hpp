#pragma once
// Equinox's adaptive, stall-free batching (arXiv 2508.16646; refs/policies.md D.2). Stall-free:
// each iteration is a Sarathi-Serve iteration (decodes first, then partial prefills, then
// admissions within a token budget), so admissions never stall running decodes. Adaptive: the
// batch is not capped by a fixed sequence count but by a KV target — a waiting request joins
// only while the final footprint of the running sequences plus those admitted before it
// (prompt + output tokens each) stays within kv_target of the cache. The batch grows with short
// requests and shrinks with long ones, and the cache is filled without the preemptions that
// vLLM's greedy admission causes when outputs grow. Output lengths come from a predictor: the
// truth by default (the oracle stand-in for Equinox's MoPE), or the truth with a log-normal
// error (`predictor: noisy_oracle`, BatchOutputPredictor; docs/fairness.md).
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/batching/batch_output_predictor.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"
#include "xpusim/policy/batching/sarathi.hpp"

namespace xpusim::policy {

class EquinoxBatching final : public BatchingPolicy {
 public:
  struct Config {
    double kv_target = 0.9;         // fraction of KV the admitted batch may fill when finished
    std::int64_t chunk_size = 512;  // token budget per iteration (decodes + prefill chunks)
    std::int64_t max_num_seqs = 256;  // hard cap, as every engine has one
    PreemptionMode preemption_mode = PreemptionMode::Recompute;
    bool noisy_predictor = false;   // predictor: oracle (false) | noisy_oracle (true)
    double noise_cv = 0.5;          // noisy_oracle: CV of the error factor
    std::int64_t noise_seed = 1;    // noisy_oracle: seeds the per-request errors
  };
  explicit EquinoxBatching(Config config);
  static const ParamBinding<Config>& binding();

  void plan_iteration(const BatchView& view, IterationPlan& plan) override;
  BatchingCapabilities capabilities() const override {
    return {.chunked_prefill = true, .swap_preemption = true};
  }
  // How many waiting requests, from the head, fit under the KV target (the batch's bound).
  std::size_t within_target(const BatchView& view) const;

 private:
  // Predicted minus true final footprint (tokens) of a request.
  std::int64_t prediction_error(std::uint64_t request_id, std::int64_t output_tokens) const;
  Config config_;
  BatchOutputPredictor predictor_;
  SarathiBatching stall_free_;
};

}  // namespace xpusim::policy
