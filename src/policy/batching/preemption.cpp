#include "xpusim/policy/batching/preemption.hpp"

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

}  // namespace xpusim::policy
