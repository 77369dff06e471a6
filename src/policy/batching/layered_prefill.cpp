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
                   "most prompt tokens in flight at once", {.min = 1});
  return b;
}

void LayeredPrefillBatching::plan_iteration(const BatchView& view, IterationPlan& plan) {
  plan.reset();
  plan.prefill_layer_groups = config_.layer_groups;
  plan.preempt_newest = newest_to_preempt_for_decode(view);
  plan.run_decodes = plan.preempt_newest < view.running_count();
  if (plan.preempt_newest > 0) return;  // preempted sequences wait at the queue's head
  plan.admit = admit_fcfs(view, {view.free_blocks(), static_cast<std::size_t>(config_.max_num_seqs),
                                 config_.max_prefill_tokens, view.pending_prefill_tokens()});
}

}  // namespace xpusim::policy
