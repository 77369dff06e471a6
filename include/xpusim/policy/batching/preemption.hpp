#pragma once
// The preemption rule vLLM and Sarathi share: before a decode step, preempt the newest running
// sequences until every remaining decoding sequence has a block for its next token.
#include <cstddef>

#include "xpusim/policy/batching/batch_view.hpp"

namespace xpusim::policy {

// How many of the newest running sequences to preempt (0 when the step fits).
std::size_t newest_to_preempt_for_decode(const BatchView& view);

}  // namespace xpusim::policy
