#include "xpusim/policy/batching/sarathi.hpp"

#include <algorithm>

#include "xpusim/policy/batching/batching_rules.hpp"

namespace xpusim::policy {

const ParamBinding<SarathiBatching::Config>& SarathiBatching::binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, chunk_size), "tokens",
                   "token budget of one iteration: decode tokens plus prefill chunk tokens",
                   {.min = 1})
          .integer(XPUSIM_KEY(Config, max_num_seqs), "", "most sequences running at once",
                   {.min = 1})
          .boolean(XPUSIM_KEY(Config, dynamic_chunking),
                   "shrink the budget from high_chunk_size to low_chunk_size as a prompt "
                   "progresses (Sarathi's enable_dynamic_chunking_schedule)")
          .integer(XPUSIM_KEY(Config, low_chunk_size), "tokens",
                   "dynamic chunking: budget at the last stage", {.min = 32})
          .integer(XPUSIM_KEY(Config, high_chunk_size), "tokens",
                   "dynamic chunking: budget at the first stage", {.min = 32})
          .integer(XPUSIM_KEY(Config, chunk_schedule_max_tokens), "tokens",
                   "dynamic chunking: prompt progress over which the budget falls", {.min = 1})
          .integer(XPUSIM_KEY(Config, chunk_schedule_stages), "",
                   "dynamic chunking: number of budget steps", {.min = 1, .max = 1024})
          .choice(XPUSIM_KEY(Config, preemption_mode),
                  {{"recompute", PreemptionMode::Recompute}, {"swap", PreemptionMode::Swap}},
                  "what preemption does with a victim's KV: drop it and recompute the prefill "
                  "later, or swap it to host memory over PCIe (instance.swap_space_gb)")
          .rule([](const Config& c) {
            if (c.dynamic_chunking && c.low_chunk_size > c.high_chunk_size)
              throw ParamError("low_chunk_size", "low_chunk_size must not exceed high_chunk_size");
          });
  return b;
}

SarathiBatching::SarathiBatching(Config config) : config_(config) {
  if (!config_.dynamic_chunking) return;
  // Linearly spaced from high to low, rounded down to multiples of 32 (as Sarathi's schedule).
  const std::int64_t n = config_.chunk_schedule_stages;
  for (std::int64_t i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
    const double c = config_.high_chunk_size + t * (config_.low_chunk_size - config_.high_chunk_size);
    stage_chunks_.push_back(std::max<std::int64_t>(32, static_cast<std::int64_t>(c) / 32 * 32));
  }
  tokens_per_stage_ = std::max<std::int64_t>(1, (config_.chunk_schedule_max_tokens + n - 1) / n);
}

std::int64_t SarathiBatching::chunk_for(std::int64_t processed) const {
  if (!config_.dynamic_chunking) return config_.chunk_size;
  const auto stage = std::min<std::int64_t>(processed / tokens_per_stage_,
                                            static_cast<std::int64_t>(stage_chunks_.size()) - 1);
  return stage_chunks_[static_cast<std::size_t>(stage)];
}

void SarathiBatching::plan_iteration(const BatchView& view, IterationPlan& plan) {
  plan.reset();
  plan.swap_out = config_.preemption_mode == PreemptionMode::Swap;
  // Phase 1a: decodes, preempting the newest until every decode has a block for its token.
  plan.preempt_newest = newest_to_preempt_for_decode(view);
  std::size_t running = view.running_count() - plan.preempt_newest;
  std::int64_t decodes = static_cast<std::int64_t>(view.decoding_count());
  for (std::size_t i = 0; i < plan.preempt_newest; ++i)
    decodes -= view.newest_running(i).prefilling ? 0 : 1;
  // Swapped-out and arrived sequences resume first; they decode in this iteration too.
  Resumption resumed;
  if (plan.preempt_newest == 0) {
    const auto cap = static_cast<std::size_t>(config_.max_num_seqs);
    resumed = resume_oldest(view, view.free_blocks() - view.decode_blocks_needed(),
                            running < cap ? cap - running : 0);
    plan.swap_in = resumed.swap_in;
    plan.accept_arrived = resumed.arrived;
    decodes += static_cast<std::int64_t>(resumed.count());
    running += resumed.count();
  }
  plan.run_decodes = decodes > 0;
  // With dynamic chunking the budget follows the progress of the prompt that gets it first
  // (the oldest mid-prefill one, else a new admission starting at 0).
  const std::int64_t chunk = chunk_for(view.oldest_prefill_progress());
  const std::int64_t budget = std::max<std::int64_t>(chunk - decodes, 0);
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
  std::int64_t free = free_after_decodes(view, resumed);
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
