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

}  // namespace xpusim::policy
