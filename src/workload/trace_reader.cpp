#include "xpusim/workload/trace_reader.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/workload/azure_trace_reader.hpp"
#include "xpusim/workload/xpusim_trace_reader.hpp"

namespace xpusim::workload {

TraceFormat parse_trace_format(const std::string& name) {
  if (name == "azure") return TraceFormat::Azure;
  if (name == "xpusim") return TraceFormat::Xpusim;
  throw Error("unknown trace format '" + name + "' (expected one of: azure xpusim)");
}

const char* to_string(TraceFormat format) {
  return format == TraceFormat::Azure ? "azure" : "xpusim";
}

std::unique_ptr<TraceReader> open_trace(TraceFormat format, const std::filesystem::path& path) {
  if (format == TraceFormat::Azure) return std::make_unique<AzureTraceReader>(path);
  return std::make_unique<XpusimTraceReader>(path);
}

}  // namespace xpusim::workload
