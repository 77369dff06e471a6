#include "xpusim/policy/batching/orca.hpp"

#include <algorithm>
#include <bit>

#include "xpusim/policy/batching/batching_rules.hpp"

namespace xpusim::policy {

const ParamBinding<OrcaBatching::Config>& OrcaBatching::binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, max_num_seqs), "", "most sequences running at once",
                   {.min = 1})
          .integer(XPUSIM_KEY(Config, max_num_batched_tokens), "tokens",
                   "most prompt tokens admitted into one iteration", {.min = 1})
          .integer(XPUSIM_KEY(Config, max_seq_len), "tokens",
                   "KV reserved per request with reservation: max", {.min = 1, .max = 2147483647})
          .choice(XPUSIM_KEY(Config, reservation),
                  {{"max", Reservation::Max}, {"pow2", Reservation::Pow2},
                   {"oracle", Reservation::Oracle}},
                  "KV reserved at admission: max_seq_len (Orca as deployed), the final length "
                  "rounded up to a power of two, or exactly the final length (oracle)");
  return b;
}

std::int64_t OrcaBatching::reserve_tokens(const WaitingInfo& w) const {
  // A request longer than max_seq_len reserves its own length rather than being truncated.
  switch (config_.reservation) {
    case Reservation::Max: return std::max(config_.max_seq_len, w.max_total_tokens);
    case Reservation::Pow2:
      return static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(w.max_total_tokens)));
    case Reservation::Oracle: return w.max_total_tokens;
  }
  return w.max_total_tokens;
}

void OrcaBatching::plan_iteration(const BatchView& view, IterationPlan& plan) {
  plan.reset();
  // Reservations cover each sequence's whole life, so a decode step never needs a block and
  // nothing is ever preempted.
  // Arrived KV (a decode pool, a migration) resumes first, with its whole life reserved too.
  const auto cap = static_cast<std::size_t>(config_.max_num_seqs);
  const std::size_t running = view.running_count();
  const Resumption resumed = resume_oldest(view, view.free_blocks() - view.decode_blocks_needed(),
                                           running < cap ? cap - running : 0);
  plan.swap_in = resumed.swap_in;
  plan.accept_arrived = resumed.arrived;
  plan.run_decodes = view.decoding_count() > 0 || resumed.count() > 0;
  plan.admit = admit_fcfs(view, {free_after_decodes(view, resumed), cap - resumed.count(),
                                 config_.max_num_batched_tokens, view.pending_prefill_tokens()});
}

}  // namespace xpusim::policy
