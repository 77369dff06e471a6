#include "xpusim/policy/batching/sarathi.hpp"

#include <algorithm>

#include "xpusim/policy/batching/batching_rules.hpp"

namespace xpusim::policy {

ParamSchema SarathiBatching::schema() {
  ParamSchema s;
  s.integer("chunk_size", 512, "tokens",
            "token budget of one iteration: decode tokens plus prefill chunk tokens", {.min = 1})
      .integer("max_num_seqs", 128, "", "most sequences running at once", {.min = 1});
  return s;
}

SarathiBatching::Config SarathiBatching::config_from(const Params& p) {
  return Config{p.integer("chunk_size"), p.integer("max_num_seqs")};
}

void SarathiBatching::plan_iteration(const BatchView& view, IterationPlan& plan) {
  plan.reset();
  // Phase 1a: decodes, preempting the newest until every decode has a block for its token.
  plan.preempt_newest = newest_to_preempt_for_decode(view);
  const std::size_t running = view.running_count() - plan.preempt_newest;
  std::int64_t decodes = static_cast<std::int64_t>(view.decoding_count());
  for (std::size_t i = 0; i < plan.preempt_newest; ++i)
    decodes -= view.newest_running(i).prefilling ? 0 : 1;
  plan.run_decodes = decodes > 0;
  const std::int64_t budget = std::max<std::int64_t>(config_.chunk_size - decodes, 0);
  plan.prefill_token_budget = budget;
  // Phase 1b: running prefills continue first (the instance gives the budget oldest-first).
  // Preempted sequences' remaining prompts are no longer pending.
  std::int64_t pending = view.pending_prefill_tokens();
  for (std::size_t i = 0; i < plan.preempt_newest; ++i) {
    const RunningInfo v = view.newest_running(i);
    if (v.prefilling) pending -= v.prefill_remaining;
  }
  std::int64_t left = budget - pending;
  // Phase 2: admissions take what is left, FCFS; KV for the whole prompt is reserved at once.
  // Preempted sequences go back to the head of the waiting queue, so they are not readmitted
  // in the iteration that preempted them.
  if (plan.preempt_newest > 0) return;
  std::int64_t free = view.free_blocks();
  std::size_t admitted = 0;
  while (left > 0 && admitted < view.waiting_count() &&
         running + admitted < static_cast<std::size_t>(config_.max_num_seqs)) {
    const WaitingInfo w = view.waiting(admitted);
    if (w.blocks_needed > free) break;
    free -= w.blocks_needed;
    left -= w.prefill_tokens;
    ++admitted;
  }
  plan.admit = admitted;
}

}  // namespace xpusim::policy
