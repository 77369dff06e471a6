#pragma once
// Streaming readers of request-trace files: one row at a time, constant memory, every bad row an
// xpusim::Error naming file and line.
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xpusim/core/time.hpp"

namespace xpusim::workload {

enum class TraceFormat { Azure, Xpusim, BurstGpt, Mooncake };

// The names the YAML and the command line use, in TraceFormat order.
inline constexpr const char* kTraceFormatNames[] = {"azure", "xpusim", "burstgpt", "mooncake"};
// Each name with its format, for choice parameters.
inline std::vector<std::pair<std::string, TraceFormat>> trace_format_choices() {
  std::vector<std::pair<std::string, TraceFormat>> out;
  for (std::size_t i = 0; i < std::size(kTraceFormatNames); ++i)
    out.emplace_back(kTraceFormatNames[i], static_cast<TraceFormat>(i));
  return out;
}

// "azure", "xpusim", "burstgpt" or "mooncake"; throws xpusim::Error on anything else.
TraceFormat parse_trace_format(const std::string& name);
const char* to_string(TraceFormat format);

// The format of an existing file, judged from its first non-blank line (see docs/traces.md):
// '{' is mooncake; a header naming TIMESTAMP, Timestamp or arrival_s is azure, burstgpt or
// xpusim. Throws xpusim::Error naming the file when none fits.
TraceFormat infer_trace_format(const std::filesystem::path& path);

// Reader settings that only some formats use; the defaults read every row of every format.
struct TraceOptions {
  std::string model_filter;     // burstgpt: keep only rows whose Model is this ("" = all)
  std::string log_type_filter;  // burstgpt: keep only rows whose Log Type is this ("" = all)
  bool skip_failed = true;      // burstgpt: drop rows with 0 tokens (false: raise them to 1)
};

// One data row as the file states it; the trace source turns it into a Request.
struct TraceRow {
  TimeNs offset_ns = 0;  // arrival relative to the trace's origin (never decreases)
  std::int32_t prompt_tokens = 0;
  std::int32_t output_tokens = 0;
  std::string tenant;  // empty when the format or row has none
  std::uint64_t session = 0;
  std::int32_t priority = 0;
  std::optional<double> ttft_slo_s;  // absent: the source-wide SLO applies
  std::optional<double> tpot_slo_s;
  std::vector<std::uint64_t> prefix_hashes;
};

// Reads one trace format row by row.
class TraceReader {
 public:
  virtual ~TraceReader() = default;
  // Fills `row` with the next data row; false after the last. A file without any data row
  // throws instead of returning false the first time.
  virtual bool next(TraceRow& row) = 0;
  // Whether rows carry tenant names (so the source must map them to indices).
  virtual bool has_tenants() const = 0;
  // Rows whose output length the reader changed (Azure and Mooncake rows with 0 output tokens).
  virtual std::int64_t clamped_output_rows() const { return 0; }
  // Rows the format marks as failed (BurstGPT rows with 0 tokens), skipped or raised to 1.
  virtual std::int64_t failed_rows() const { return 0; }
  // Rows read but not returned: failed rows when skipped, and rows the filters dropped.
  virtual std::int64_t skipped_rows() const { return 0; }
  // "FILE:LINE" of the row last returned, for errors the caller finds.
  virtual std::string location() const = 0;
};

// Opens `path` and checks its header; throws xpusim::Error when missing, empty or mismatched.
std::unique_ptr<TraceReader> open_trace(TraceFormat format, const std::filesystem::path& path,
                                        const TraceOptions& options = {});

}  // namespace xpusim::workload
