#pragma once
// Sarathi-Serve: chunked prefill under a per-iteration token budget. Every iteration runs all
// decodes first (one token each), then continues partial prefills, then admits new requests
// while the budget, KV blocks and the sequence cap allow (refs/policies.md F.3, from the code).
#include "xpusim/core/params.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"

namespace xpusim::policy {

class SarathiBatching final : public BatchingPolicy {
 public:
  struct Config {
    std::int64_t chunk_size = 512;  // token budget per iteration (decodes + prefill chunks)
    std::int64_t max_num_seqs = 128;
  };
  explicit SarathiBatching(Config config) : config_(config) {}
  static ParamSchema schema();
  static Config config_from(const Params& params);

  void plan_iteration(const BatchView& view, IterationPlan& plan) override;

 private:
  Config config_;
};

}  // namespace xpusim::policy
