#pragma once
// Per-request measurements of a real serving run (arrival, lengths, TTFT/TPOT/E2E) and the
// statistics calibration and validation compare: mean, p50 and p99 of each latency.
#include <filesystem>
#include <string>
#include <vector>

namespace xpusim::experiments {

struct MeasuredRequest {
  double arrival_s = 0;
  long prompt_tokens = 0;
  long output_tokens = 0;
  double ttft_s = 0, tpot_s = 0, e2e_s = 0;
};

// Reads a CSV with (at least) the columns arrival_s, prompt_tokens, output_tokens, ttft_s,
// tpot_s, e2e_s, found by name; other columns are ignored (xpusim's requests.csv and the
// validation files in ../shared/validation both qualify). Rows are sorted by arrival. Throws
// xpusim::Error naming FILE:LINE and the column for a missing column or a bad number.
std::vector<MeasuredRequest> read_measured_csv(const std::filesystem::path& path);

// Writes the requests as an xpusim-format trace (arrival_s, prompt_tokens, output_tokens).
void write_trace(const std::vector<MeasuredRequest>& requests, const std::filesystem::path& path);

enum class Metric { Ttft, Tpot, E2e };
const char* to_string(Metric metric);

struct LatencyStats {
  double mean = 0, p50 = 0, p99 = 0;
};
struct RunStats {
  LatencyStats ttft, tpot, e2e;
  double throughput_tok_s = 0;  // output tokens / (last completion - first arrival)
  const LatencyStats& of(Metric m) const;
};
// Percentiles by linear interpolation between order statistics (numpy's default).
RunStats run_stats(const std::vector<MeasuredRequest>& requests);

}  // namespace xpusim::experiments
