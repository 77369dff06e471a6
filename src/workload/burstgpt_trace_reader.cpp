#include "xpusim/workload/burstgpt_trace_reader.hpp"

#include <algorithm>
#include <limits>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/workload/time_parse.hpp"

namespace xpusim::workload {
namespace {

constexpr std::int64_t kMaxTokens = std::numeric_limits<std::int32_t>::max();
}  // namespace

BurstGptTraceReader::BurstGptTraceReader(const std::filesystem::path& path, TraceOptions options)
    : csv_(path), options_(std::move(options)) {
  index_of_.fill(-1);
  if (!csv_.next_line())
    throw Error(csv_.file_name() + ": empty file (expected the header " + kHeader + ")");
  read_header();
}

void BurstGptTraceReader::read_header() {
  const auto& names = csv_.fields();
  std::string hint;
  if (!names.empty() && names[0] == "TIMESTAMP") hint = "; this looks like an Azure trace";
  if (!names.empty() && names[0] == "arrival_s") hint = "; this looks like an xpusim trace";
  for (std::size_t pos = 0; pos < names.size(); ++pos) {
    std::size_t c = 0;
    while (c < kColumnNames.size() && names[pos] != kColumnNames[c]) ++c;
    if (c == kColumnNames.size())
      csv_.fail("unknown column " + quoted_excerpt(names[pos]) + " in header (expected the " +
                "BurstGPT columns " + kHeader + " in any order" + hint + ")");
    if (index_of_[c] >= 0)
      csv_.fail("column " + quoted_excerpt(names[pos]) + " appears twice in header (expected " +
                kHeader + ")");
    index_of_[c] = static_cast<int>(pos);
  }
  for (const Column c : {kTimestamp, kRequest, kResponse})
    if (index_of_[c] < 0)
      csv_.fail(std::string("header lacks required column '") + kColumnNames[c] + "' (expected " +
                kHeader + ")");
  // A filter on a column the file lacks would silently keep nothing (or everything).
  if (!options_.model_filter.empty() && index_of_[kModel] < 0)
    csv_.fail("model_filter is set but the header has no 'Model' column (expected " +
              std::string(kHeader) + ")");
  if (!options_.log_type_filter.empty() && index_of_[kLogType] < 0)
    csv_.fail("log_type_filter is set but the header has no 'Log Type' column (expected " +
              std::string(kHeader) + ")");
  column_count_ = names.size();
}

bool BurstGptTraceReader::next(TraceRow& row) {
  while (csv_.next_line()) {
    ++rows_read_;
    if (read_row(row)) {
      ++rows_returned_;
      return true;
    }
    ++skipped_rows_;
  }
  if (rows_returned_ == 0) fail_no_rows();
  return false;
}

void BurstGptTraceReader::fail_no_rows() const {
  if (rows_read_ == 0)
    throw Error(csv_.file_name() + ": no data rows after the header (expected at least one)");
  throw Error(csv_.file_name() + ": none of the " + std::to_string(rows_read_) +
              " rows was kept (model_filter '" + options_.model_filter + "', log_type_filter '" +
              options_.log_type_filter + "', " + std::to_string(failed_rows_) + " failed rows" +
              (options_.skip_failed ? " skipped" : "") + "; expected at least one row to replay)");
}

bool BurstGptTraceReader::passes_filters() const {
  const auto matches = [&](Column c, const std::string& want) {
    return want.empty() || csv_.field(static_cast<std::size_t>(index_of_[c])) == want;
  };
  return matches(kModel, options_.model_filter) && matches(kLogType, options_.log_type_filter);
}

bool BurstGptTraceReader::read_row(TraceRow& row) {
  if (csv_.field_count() != column_count_)
    csv_.fail("row has " + std::to_string(csv_.field_count()) + " fields (expected " +
              std::to_string(column_count_) + ", as in the header)");
  const auto at = [&](Column c) { return static_cast<std::size_t>(index_of_[c]); };
  const std::string_view stamp = csv_.field(at(kTimestamp));
  const auto offset = parse_seconds_ns(stamp);
  if (!offset || *offset < 0)
    csv_.fail("Timestamp " + quoted_excerpt(stamp) +
              " is not a valid arrival (expected a non-negative number of seconds below 9.2e9)");
  if (rows_read_ > 1 && *offset < previous_ns_)
    csv_.fail("Timestamp " + quoted_excerpt(stamp) +
              " goes backwards (expected timestamps sorted ascending)");
  previous_ns_ = *offset;
  // Every row is checked in full, filtered or not, so a damaged file never replays quietly.
  const auto request = csv_.integer(at(kRequest), "Request tokens", 0, kMaxTokens);
  const auto response = csv_.integer(at(kResponse), "Response tokens", 0, kMaxTokens);
  if (index_of_[kTotal] >= 0)
    csv_.integer(at(kTotal), "Total tokens", 0, std::numeric_limits<std::int64_t>::max());
  if (!passes_filters()) return false;
  const bool failed = request == 0 || response == 0;
  if (failed) {
    ++failed_rows_;
    if (options_.skip_failed) return false;
  }
  row = TraceRow{};
  row.offset_ns = *offset;
  row.prompt_tokens = static_cast<std::int32_t>(std::max<std::int64_t>(request, 1));
  row.output_tokens = static_cast<std::int32_t>(std::max<std::int64_t>(response, 1));
  return true;
}

}  // namespace xpusim::workload
