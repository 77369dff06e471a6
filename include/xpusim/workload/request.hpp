#pragma once
// One inference request as it arrives. Optional fields are zero/empty when the source lacks them.
#include <cstdint>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/workload/token_type.hpp"

namespace xpusim::workload {

struct Request {
  std::uint64_t id = 0;        // unique within a run, in arrival order
  TimeNs arrival_ns = 0;
  std::int32_t prompt_tokens = 0;
  std::int32_t output_tokens = 0;  // >= 1
  std::int32_t tenant = 0;         // index into the source's tenant names; 0 when none
  std::uint64_t session = 0;       // 0 when none
  std::int32_t priority = 0;       // larger = more important
  double ttft_slo_s = 0;           // 0 = none (the scenario-wide SLO applies)
  double tpot_slo_s = 0;
  std::vector<std::uint64_t> prefix_hashes;  // prompt block identities, when the source has them
  std::vector<TokenType> prefix_types;  // kind of each prefix_hashes entry; empty = unknown
  bool expects_followup = false;  // its session sends another turn after it (agent: a tool call)
  std::int32_t tool_type = -1;    // the tool type its turn calls (workload.tool_types); -1: none
  TimeNs program_arrival_ns = -1;  // its session's (program's) first arrival; -1: its own arrival
  // Identities of the units holding generated tokens, continuing prefix_hashes over the stream
  // prompt + output: entry k is unit prompt_tokens / unit_tokens + k (the prompt's partial last
  // unit, if any, comes first, now with output in it). Empty: the output is not cached (traces).
  std::vector<std::uint64_t> output_hashes;
  std::vector<TokenType> output_types;  // kind of each output_hashes entry
};

}  // namespace xpusim::workload
