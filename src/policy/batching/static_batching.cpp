#include "xpusim/policy/batching/static_batching.hpp"

#include <algorithm>

#include "xpusim/policy/batching/batching_rules.hpp"

namespace xpusim::policy {

const ParamBinding<StaticBatching::Config>& StaticBatching::binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, max_num_seqs), "",
                   "most requests in one batch (formed only when the previous batch finished)",
                   {.min = 1})
          .integer(XPUSIM_KEY(Config, max_seq_len), "tokens",
                   "KV reserved per request (a longer request reserves its own length)",
                   {.min = 1, .max = 2147483647});
  return b;
}

std::int64_t StaticBatching::reserve_tokens(const WaitingInfo& w) const {
  return std::max(config_.max_seq_len, w.max_total_tokens);
}

void StaticBatching::plan_iteration(const BatchView& view, IterationPlan& plan) {
  plan.reset();
  if (view.running_count() > 0) {
    // Mid-batch: the batch decodes; nothing joins it.
    plan.run_decodes = view.decoding_count() > 0;
    return;
  }
  // A batch boundary: KV that arrived from elsewhere resumes first (it is part of the next batch),
  // then waiting requests join in FCFS order while slots and blocks last. The whole batch's
  // prompts are processed in this one iteration.
  const auto cap = static_cast<std::size_t>(config_.max_num_seqs);
  const Resumption resumed = resume_oldest(view, view.free_blocks(), cap);
  plan.swap_in = resumed.swap_in;
  plan.accept_arrived = resumed.arrived;
  plan.run_decodes = resumed.count() > 0;
  plan.admit = admit_fcfs(view, {view.free_blocks() - resumed.blocks, cap - resumed.count(),
                                 IterationPlan::kUnlimited, 0});
}

}  // namespace xpusim::policy
