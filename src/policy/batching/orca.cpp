#include "xpusim/policy/batching/orca.hpp"

#include <algorithm>
#include <bit>

#include "xpusim/policy/batching/batching_rules.hpp"

namespace xpusim::policy {

ParamSchema OrcaBatching::schema() {
  ParamSchema s;
  s.integer("max_num_seqs", 256, "", "most sequences running at once", {.min = 1})
      .integer("max_num_batched_tokens", 8192, "tokens",
               "most prompt tokens admitted into one iteration", {.min = 1})
      .integer("max_seq_len", 4096, "tokens", "KV reserved per request with reservation: max",
               {.min = 1, .max = 2147483647})
      .choice("reservation", "max", {"max", "pow2", "oracle"},
              "KV reserved at admission: max_seq_len (Orca as deployed), the final length "
              "rounded up to a power of two, or exactly the final length (oracle)");
  return s;
}

OrcaBatching::Config OrcaBatching::config_from(const Params& p) {
  Config c{p.integer("max_num_seqs"), p.integer("max_num_batched_tokens"),
           p.integer("max_seq_len"), Reservation::Max};
  const std::string& r = p.string("reservation");
  c.reservation = r == "pow2" ? Reservation::Pow2 : r == "oracle" ? Reservation::Oracle : Reservation::Max;
  return c;
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
  plan.run_decodes = view.decoding_count() > 0;
  plan.admit = admit_fcfs(view, {view.free_blocks(), static_cast<std::size_t>(config_.max_num_seqs),
                                 config_.max_num_batched_tokens, view.pending_prefill_tokens()});
}

}  // namespace xpusim::policy
