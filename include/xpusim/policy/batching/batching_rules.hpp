#pragma once
// Rules several batching policies share: vLLM's preemption before a decode step, and FCFS
// admission under block, sequence and prompt-token caps.
#include <cstddef>

#include "xpusim/policy/batching/batch_view.hpp"

namespace xpusim::policy {

// How many of the newest running sequences to preempt (0 when the step fits).
std::size_t newest_to_preempt_for_decode(const BatchView& view);

struct AdmissionLimits {
  std::int64_t free_blocks = 0;        // blocks admissions may take
  std::size_t max_running = 0;         // running sequences allowed after admission
  std::int64_t token_cap = 0;          // prompt tokens allowed in flight
  std::int64_t tokens_in_flight = 0;   // prompt tokens already in flight
};

// How many waiting sequences, from the head, can be admitted: stops at the first that does not
// fit (FCFS). A prompt above the token cap is admitted when nothing else is in flight, so long
// prompts are never starved.
std::size_t admit_fcfs(const BatchView& view, AdmissionLimits limits);

// Sequences to resume this iteration: swapped-out ones, oldest first, then those whose KV
// arrived from another instance, stopping at the first that does not fit (vLLM v0
// _schedule_swapped). They decode in this iteration, so each also needs room for its next
// block. `free_blocks` is what is left after the running decodes' own needs; `room` is how many
// more sequences may run.
struct Resumption {
  std::size_t swap_in = 0;
  std::size_t arrived = 0;
  std::int64_t blocks = 0;  // blocks they take (reservations plus next-token blocks)
  std::size_t count() const { return swap_in + arrived; }
};
Resumption resume_oldest(const BatchView& view, std::int64_t free_blocks, std::size_t room);

// Blocks admissions may take in an iteration that runs the decodes and resumes `resumed`:
// what is free minus what those decodes take first (admission before the decode step's own
// blocks would over-allocate the pool).
std::int64_t free_after_decodes(const BatchView& view, const Resumption& resumed);

}  // namespace xpusim::policy
