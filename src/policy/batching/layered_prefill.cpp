#include "xpusim/policy/batching/layered_prefill.hpp"

#include "xpusim/policy/batching/batching_rules.hpp"

namespace xpusim::policy {

const ParamBinding<LayeredPrefillBatching::Config>& LayeredPrefillBatching::binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, layer_groups), "",
                   "contiguous layer groups a prefill passes, one per iteration",
                   {.min = 1, .max = 1024})
          .integer(XPUSIM_KEY(Config, max_num_seqs), "", "most sequences running at once",
                   {.min = 1})
          .integer(XPUSIM_KEY(Config, max_prefill_tokens), "tokens",
                   "most prompt tokens in flight at once", {.min = 1})
          .choice(XPUSIM_KEY(Config, preemption_mode),
                  {{"recompute", PreemptionMode::Recompute}, {"swap", PreemptionMode::Swap}},
                  "what preemption does with a victim's KV: drop it and recompute the prefill "
                  "later, or swap it to host memory over PCIe (instance.swap_space_gb)");
  return b;
}

void LayeredPrefillBatching::plan_iteration(const BatchView& view, IterationPlan& plan) {
  plan.reset();
  plan.prefill_layer_groups = config_.layer_groups;
  plan.swap_out = config_.preemption_mode == PreemptionMode::Swap;
  plan.preempt_newest = newest_to_preempt_for_decode(view);
  plan.run_decodes = plan.preempt_newest < view.running_count();
  if (plan.preempt_newest > 0) return;  // preempted sequences wait at the queue's head
  const auto cap = static_cast<std::size_t>(config_.max_num_seqs);
  const std::size_t running = view.running_count();
  const Resumption resumed = resume_oldest(view, view.free_blocks() - view.decode_blocks_needed(),
                                           running < cap ? cap - running : 0);
  plan.swap_in = resumed.swap_in;
  plan.accept_arrived = resumed.arrived;
  plan.run_decodes = plan.run_decodes || resumed.count() > 0;
  // Admissions take what the decode step (and the resumed sequences) leave.
  plan.admit = admit_fcfs(view, {free_after_decodes(view, resumed), cap - resumed.count(),
                                 config_.max_prefill_tokens, view.pending_prefill_tokens()});
}

}  // namespace xpusim::policy
