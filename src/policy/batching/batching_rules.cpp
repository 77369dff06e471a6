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

Resumption resume_oldest(const BatchView& view, std::int64_t free_blocks, std::size_t room) {
  Resumption r;
  const std::size_t swapped = view.swapped_count(), arrived = view.arrived_count();
  while (r.count() < room && r.count() < swapped + arrived) {
    const bool from_swap = r.swap_in < swapped;
    const std::int64_t need =
        (from_swap ? view.swapped_blocks(r.swap_in) : view.arrived_blocks(r.arrived)) + 1;
    if (need > free_blocks) break;
    free_blocks -= need;
    r.blocks += need;
    if (from_swap) ++r.swap_in;
    else ++r.arrived;
  }
  return r;
}

std::int64_t free_after_decodes(const BatchView& view, const Resumption& resumed) {
  return view.free_blocks() - view.decode_blocks_needed() - resumed.blocks;
}

}  // namespace xpusim::policy
