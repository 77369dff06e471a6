#include "xpusim/workload/azure_trace_reader.hpp"

#include <limits>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/workload/time_parse.hpp"

namespace xpusim::workload {
namespace {
constexpr std::int64_t kMaxTokens = std::numeric_limits<std::int32_t>::max();
}

AzureTraceReader::AzureTraceReader(const std::filesystem::path& path) : csv_(path) {
  if (!csv_.next_line())
    throw Error(csv_.file_name() + ": empty file (expected the header " + kHeader + ")");
  const auto& f = csv_.fields();
  if (f.size() != 3 || f[0] != "TIMESTAMP" || f[1] != "ContextTokens" ||
      f[2] != "GeneratedTokens") {
    std::string hint;
    if (!f.empty() && f[0] == "arrival_s")
      hint = "; this looks like an xpusim trace (format: xpusim)";
    csv_.fail("header " + quoted_excerpt(csv_.line_text()) +
              " is not an Azure trace header (expected " + kHeader + hint + ")");
  }
}

bool AzureTraceReader::next(TraceRow& row) {
  if (!csv_.next_line()) {
    if (rows_ == 0)
      throw Error(csv_.file_name() + ": no data rows after the header (expected at least one)");
    return false;
  }
  if (csv_.field_count() != 3)
    csv_.fail("row has " + std::to_string(csv_.field_count()) + " fields (expected 3: " + kHeader +
              ")");
  const auto stamp = parse_timestamp_ns(csv_.field(0));
  if (!stamp)
    csv_.fail("TIMESTAMP " + quoted_excerpt(csv_.field(0)) +
              " is not a valid timestamp (expected YYYY-MM-DD HH:MM:SS[.fffffff] between years "
              "1678 and 2261)");
  if (rows_ == 0) origin_ns_ = previous_ns_ = *stamp;
  if (*stamp < previous_ns_)
    csv_.fail("TIMESTAMP " + quoted_excerpt(csv_.field(0)) +
              " goes backwards (expected timestamps sorted ascending)");
  TimeNs offset = 0;
  if (__builtin_sub_overflow(*stamp, origin_ns_, &offset))
    csv_.fail("TIMESTAMP " + quoted_excerpt(csv_.field(0)) +
              " is too far from the first row (expected a span below 292 years)");
  previous_ns_ = *stamp;
  row = TraceRow{};
  row.offset_ns = offset;
  row.prompt_tokens = static_cast<std::int32_t>(csv_.integer(1, "ContextTokens", 1, kMaxTokens));
  row.output_tokens = static_cast<std::int32_t>(csv_.integer(2, "GeneratedTokens", 0, kMaxTokens));
  // A request that generated nothing still occupies a prefill and emits its first token's
  // step in a serving system, so it is replayed as one output token and counted.
  if (row.output_tokens == 0) {
    row.output_tokens = 1;
    ++clamped_output_rows_;
  }
  ++rows_;
  return true;
}

}  // namespace xpusim::workload
