// `xpusim trace stats`: summarizes a trace file through the same streaming readers a replay
// uses, so what it reports is what a scenario would replay.
#include <cmath>
#include <cstdio>
#include <spdlog/spdlog.h>

#include <iostream>
#include <string>

#include "xpusim/cli/commands.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/workload/csv_reader.hpp"
#include "xpusim/workload/trace_reader.hpp"
#include "xpusim/workload/trace_stats.hpp"

namespace xpusim::cli {
namespace {

using workload::TraceStats;

// printf-style formatting into a std::string; every figure here is one short number.
template <typename... Args>
std::string format(const char* pattern, Args... args) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

std::string real(double value, int decimals) {
  return std::isnan(value) ? std::string("n/a") : format("%.*f", decimals, value);
}

std::string lengths_row(const char* name, const TraceStats::Lengths& l) {
  return format("  %-15s %12.1f %10d %10d %10d %10d\n", name, l.mean, l.p50, l.p90, l.p99, l.max);
}

void print_summary(const TraceArgs& args, workload::TraceFormat format_used, bool inferred,
                   const workload::TraceReader& reader, TraceStats::Summary s) {
  std::cout << "file                 " << args.file << "\n"
            << "format               " << workload::to_string(format_used)
            << (inferred ? " (inferred)" : "") << "\n"
            << "requests             " << s.requests << "\n"
            << "span_s               " << real(s.span_s, 3) << "\n"
            << "mean_rate_per_s      " << real(s.rate_per_s, 4) << "\n"
            << "interarrival_cv      " << real(s.interarrival_cv, 4) << "\n";
  if (reader.clamped_output_rows() > 0)
    std::cout << "clamped_output_rows  " << reader.clamped_output_rows() << "\n";
  if (reader.failed_rows() > 0 || reader.skipped_rows() > 0)
    std::cout << "failed_rows          " << reader.failed_rows() << "\n"
              << "skipped_rows         " << reader.skipped_rows() << "\n";
  std::cout << format("  %-15s %12s %10s %10s %10s %10s\n", "tokens", "mean", "p50", "p90", "p99",
                      "max")
            << lengths_row("prompt", s.prompt) << lengths_row("output", s.output);
  if (!s.has_prefix) return;
  std::cout << "blocks_per_request   " << real(s.blocks_per_request, 3) << "\n"
            << "block_references     " << s.block_references << "\n"
            << "distinct_blocks      " << s.distinct_blocks << "\n"
            << "block_reuse          " << real(s.block_reuse, 4)
            << format("  (%.2f%% of block references repeat an earlier block)\n",
                      100 * s.block_reuse);
}

}  // namespace

int trace_command(const TraceArgs& args) {
  try {
    const bool inferred = args.format.empty();
    if (inferred) workload::require_rereadable(args.file, "inferring the format (give --format)");
    const workload::TraceFormat format_used = inferred ? workload::infer_trace_format(args.file)
                                                       : workload::parse_trace_format(args.format);
    const auto reader = workload::open_trace(format_used, args.file);
    TraceStats stats;
    workload::TraceRow row;
    while (reader->next(row)) stats.add(row);
    print_summary(args, format_used, inferred, *reader, stats.summary());
    return kExitOk;
  } catch (const Error& e) {
    spdlog::error("{}", safe_message(e.what()));
    return kExitInput;
  } catch (const std::exception& e) {
    spdlog::critical("internal error (please report): {}", e.what());
    return kExitInternal;
  }
}

}  // namespace xpusim::cli
