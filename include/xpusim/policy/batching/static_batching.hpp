#pragma once
// Static (request-level) batching, as FasterTransformer serves behind Triton and as the Orca paper
// (OSDI'22, section 6) measures it as its baseline: a batch is formed only when the previous one
// has finished; its requests' prefills run together, then the batch decodes until its last
// sequence ends, and requests that arrive meanwhile wait for the next batch. KV is reserved for
// the longest sequence a request may become (FasterTransformer allocates max_seq_len per batch
// slot), so nothing is ever preempted.
#include <cstdint>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"

namespace xpusim::policy {

class StaticBatching final : public BatchingPolicy {
 public:
  struct Config {
    std::int64_t max_num_seqs = 256;  // as orca and vllm, so switching compares like with like
    std::int64_t max_seq_len = 4096;  // tokens reserved per request
  };
  explicit StaticBatching(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();

  // Contract: plans an admission (and the resumption of arrived or swapped KV) only at a batch
  // boundary, when nothing is running; otherwise only the running batch's decodes.
  void plan_iteration(const BatchView& view, IterationPlan& plan) override;
  std::int64_t reserve_tokens(const WaitingInfo& waiting) const override;
  BatchingCapabilities capabilities() const override { return {.preempts = false}; }

 private:
  Config config_;
};

}  // namespace xpusim::policy
