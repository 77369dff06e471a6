#include "xpusim/policy/batching/vllm.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/policy/batching/batching_rules.hpp"

namespace xpusim::policy {

const ParamBinding<VllmBatching::Config>& VllmBatching::binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, max_num_seqs), "", "most sequences running at once",
                   {.min = 1})
          .integer(XPUSIM_KEY(Config, max_num_batched_tokens), "tokens",
                   "most prompt tokens in one prefill iteration", {.min = 1})
          .real(XPUSIM_KEY(Config, watermark), "", "fraction of KV blocks kept free when admitting",
                {.min = 0, .max = 0.5})
          .choice(XPUSIM_KEY(Config, preemption_mode),
                  {{"recompute", PreemptionMode::Recompute}, {"swap", PreemptionMode::Swap}},
                  "what preemption does with a victim's KV: drop it and recompute the prefill "
                  "later, or swap it to host memory over PCIe (instance.swap_space_gb)");
  return b;
}

// How many waiting sequences, from the head, can be admitted into one prefill iteration
// (vLLM v0 _schedule_prefills: FCFS, keeping the watermark's blocks free).
std::size_t VllmBatching::admissible(const BatchView& view) const {
  const auto watermark_blocks =
      static_cast<std::int64_t>(std::floor(config_.watermark * view.total_blocks()));
  return admit_fcfs(view, {view.free_blocks() - watermark_blocks,
                           static_cast<std::size_t>(config_.max_num_seqs),
                           config_.max_num_batched_tokens, 0});
}

void VllmBatching::plan_iteration(const BatchView& view, IterationPlan& plan) {
  plan.reset();
  plan.swap_out = config_.preemption_mode == PreemptionMode::Swap;
  // Prefill first — unless sequences wait in swap (or arrived from another instance), which
  // come back before anything new.
  if (view.swapped_count() == 0 && view.arrived_count() == 0) {
    plan.admit = admissible(view);
    if (plan.admit > 0) return;
  }
  plan.prefill_token_budget = 0;
  // Decode step, preempting the newest sequences until every remaining one has a block.
  plan.preempt_newest = newest_to_preempt_for_decode(view);
  plan.run_decodes = plan.preempt_newest < view.running_count();
  if (plan.preempt_newest == 0) {
    const auto cap = static_cast<std::size_t>(config_.max_num_seqs);
    const std::size_t running = view.running_count();
    const Resumption resumed = resume_oldest(view, view.free_blocks() - view.decode_blocks_needed(),
                                             running < cap ? cap - running : 0);
    plan.swap_in = resumed.swap_in;
    plan.accept_arrived = resumed.arrived;
  }
  plan.run_decodes = plan.run_decodes || plan.swap_in > 0 || plan.accept_arrived > 0;
}

}  // namespace xpusim::policy
