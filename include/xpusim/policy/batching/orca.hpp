#pragma once
// Orca: iteration-level scheduling with selective batching — new requests' prefills run in the
// same iteration as running decodes — but KV is reserved for the longest sequence a request may
// become at admission (no paging), which is what vLLM's paging improves on.
#include <string>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"

namespace xpusim::policy {

class OrcaBatching final : public BatchingPolicy {
 public:
  // How much KV is reserved per request (the vLLM paper's Orca variants).
  enum class Reservation { Max, Pow2, Oracle };
  struct Config {
    std::int64_t max_num_seqs = 256;
    std::int64_t max_num_batched_tokens = 8192;
    std::int64_t max_seq_len = 4096;  // tokens reserved per request under Reservation::Max
    Reservation reservation = Reservation::Max;
  };
  explicit OrcaBatching(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();

  void plan_iteration(const BatchView& view, IterationPlan& plan) override;
  std::int64_t reserve_tokens(const WaitingInfo& waiting) const override;
  // Reservations cover a sequence's whole life: it never needs a block mid-decode.
  BatchingCapabilities capabilities() const override { return {.preempts = false}; }

 private:
  Config config_;
};

}  // namespace xpusim::policy
