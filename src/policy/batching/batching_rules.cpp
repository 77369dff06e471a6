#include "xpusim/policy/batching/batching_rules.hpp"

namespace xpusim::policy {

std::size_t newest_to_preempt_for_decode(const BatchView& view) {
  // A preempted sequence frees its blocks and no longer needs one.
  std::int64_t free = view.free_blocks();
  std::int64_t needed = view.decode_blocks_needed();
  std::size_t victims = 0;
  while (needed > free && victims < view.running_count()) {
    const RunningInfo v = view.newest_running(victims);
    free += v.blocks_held;
    if (v.needs_block_now) --needed;
    ++victims;
  }
  return victims;
}

std::size_t admit_fcfs(const BatchView& view, AdmissionLimits limits) {
  std::size_t n = 0;
  std::int64_t free = limits.free_blocks, tokens = limits.tokens_in_flight;
  while (n < view.waiting_count() && view.running_count() + n < limits.max_running) {
    const WaitingInfo w = view.waiting(n);
    if (w.blocks_needed > free) break;
    if (tokens + w.prefill_tokens > limits.token_cap && tokens > 0) break;
    free -= w.blocks_needed;
    tokens += w.prefill_tokens;
    ++n;
  }
  return n;
}

}  // namespace xpusim::policy
