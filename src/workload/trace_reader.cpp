#include "xpusim/workload/trace_reader.hpp"

#include <iterator>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/workload/azure_trace_reader.hpp"
#include "xpusim/workload/burstgpt_trace_reader.hpp"
#include "xpusim/workload/csv_reader.hpp"
#include "xpusim/workload/mooncake_trace_reader.hpp"
#include "xpusim/workload/xpusim_trace_reader.hpp"

namespace xpusim::workload {
namespace {

std::string format_list() {
  std::string out;
  for (const char* name : kTraceFormatNames) out += std::string(out.empty() ? "" : " ") + name;
  return out;
}

}  // namespace

TraceFormat parse_trace_format(const std::string& name) {
  for (std::size_t i = 0; i < std::size(kTraceFormatNames); ++i)
    if (name == kTraceFormatNames[i]) return static_cast<TraceFormat>(i);
  throw Error("unknown trace format '" + name + "' (expected one of: " + format_list() + ")");
}

const char* to_string(TraceFormat format) {
  return kTraceFormatNames[static_cast<std::size_t>(format)];
}

TraceFormat infer_trace_format(const std::filesystem::path& path) {
  CsvReader lines(path);
  if (!lines.next_line(false))
    throw Error(path.string() +
                ": empty file (cannot infer the trace format; expected a header "
                "or a JSON object on the first line)");
  const std::string_view first = lines.line_text();
  const std::size_t start = first.find_first_not_of(" \t");
  if (start != std::string_view::npos && first[start] == '{') return TraceFormat::Mooncake;
  // A header's names, quoted or not (RFC 4180 exports quote every field).
  std::vector<std::string_view> names;
  split_fields(first, ',', names);
  for (auto& n : names)
    if (n.size() >= 2 && n.front() == '"' && n.back() == '"') n = n.substr(1, n.size() - 2);
  const std::string_view head = names.front();
  if (head == "TIMESTAMP") return TraceFormat::Azure;
  if (head == "arrival_s") return TraceFormat::Xpusim;
  for (const std::string_view name : names)
    if (name == "Timestamp") return TraceFormat::BurstGpt;
  lines.fail("cannot infer the trace format from " + quoted_excerpt(first) +
             " (expected a JSON object (mooncake) or a header starting TIMESTAMP (azure) or "
             "arrival_s (xpusim), or naming Timestamp (burstgpt); or give --format)");
}

std::unique_ptr<TraceReader> open_trace(TraceFormat format, const std::filesystem::path& path,
                                        const TraceOptions& options) {
  switch (format) {
    case TraceFormat::Azure:
      return std::make_unique<AzureTraceReader>(path);
    case TraceFormat::Xpusim:
      return std::make_unique<XpusimTraceReader>(path);
    case TraceFormat::BurstGpt:
      return std::make_unique<BurstGptTraceReader>(path, options);
    case TraceFormat::Mooncake:
      return std::make_unique<MooncakeTraceReader>(path);
  }
  XPUSIM_CHECK(false, "unhandled trace format");
  return nullptr;
}

}  // namespace xpusim::workload
