#pragma once
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {

// Summarizes a trace as it streams past: arrival rate and burstiness, prompt and output length
// percentiles and, when rows carry prefix hashes, how often a block repeats an earlier one.
// Memory: the two token counts of every row (8 bytes a row, for exact percentiles) and one
// entry per distinct prefix block; arrivals are summarized in constant memory.
class TraceStats {
 public:
  // Exact nearest-rank percentiles (the smallest value with at least ceil(q n) values <= it),
  // the definition the report layer uses for latencies.
  struct Lengths {
    double mean = 0;
    std::int32_t p50 = 0, p90 = 0, p99 = 0, max = 0;
  };
  struct Summary {
    std::int64_t requests = 0;
    double span_s = 0;           // last arrival - first arrival
    double rate_per_s = 0;       // (requests - 1) / span_s = 1 / mean gap; NaN when span is 0
    double interarrival_cv = 0;  // population std / mean of the gaps; NaN without a gap > 0
    Lengths prompt, output;
    bool has_prefix = false;        // some row carried prefix hashes
    double blocks_per_request = 0;  // block references / requests
    std::int64_t block_references = 0;
    std::int64_t repeated_references = 0;  // references to a block seen earlier in the trace
    std::int64_t distinct_blocks = 0;
    double block_reuse = 0;  // repeated_references / block_references
  };

  void add(const TraceRow& row);
  // Sorts the stored token counts; cheap to call again.
  Summary summary();

 private:
  std::int64_t requests_ = 0;
  TimeNs first_ns_ = 0;
  TimeNs last_ns_ = 0;
  // Welford's running mean and squared deviation of the gaps, in seconds: stable for millions.
  double gap_mean_s_ = 0;
  double gap_m2_ = 0;
  std::vector<std::int32_t> prompt_tokens_;
  std::vector<std::int32_t> output_tokens_;
  // Only its size and membership reach the output, so iteration order never matters.
  std::unordered_set<std::uint64_t> seen_blocks_;
  std::int64_t block_references_ = 0;
  std::int64_t repeated_references_ = 0;
};

}  // namespace xpusim::workload
