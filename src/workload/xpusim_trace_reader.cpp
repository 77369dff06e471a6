#include "xpusim/workload/xpusim_trace_reader.hpp"

#include <charconv>
#include <limits>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/core/utf8.hpp"
#include "xpusim/workload/time_parse.hpp"

namespace xpusim::workload {
namespace {

constexpr std::int64_t kMaxTokens = std::numeric_limits<std::int32_t>::max();

std::string expected_header() {
  std::string out;
  for (std::size_t i = 0; i < XpusimTraceReader::kColumnNames.size(); ++i) {
    const bool optional = i >= XpusimTraceReader::kRequiredColumns;
    out += std::string(i ? (optional ? "[," : ",") : "") + XpusimTraceReader::kColumnNames[i];
    if (optional) out += "]";
  }
  return out;
}

}  // namespace

XpusimTraceReader::XpusimTraceReader(const std::filesystem::path& path) : csv_(path) {
  index_of_.fill(-1);
  if (!csv_.next_line())
    throw Error(csv_.file_name() + ": empty file (expected the header " + expected_header() + ")");
  read_header();
}

void XpusimTraceReader::read_header() {
  const auto& names = csv_.fields();
  if (!names.empty() && names[0] == "TIMESTAMP")
    csv_.fail("header is an Azure trace header (expected " + expected_header() +
              "; for Azure traces use format: azure)");
  for (std::size_t pos = 0; pos < names.size(); ++pos) {
    std::size_t c = 0;
    while (c < kColumnNames.size() && names[pos] != kColumnNames[c]) ++c;
    if (c == kColumnNames.size())
      csv_.fail("unknown column " + quoted_excerpt(names[pos]) + " in header (expected " +
                expected_header() + ", optional columns in any order)");
    if (index_of_[c] >= 0)
      csv_.fail("column " + quoted_excerpt(names[pos]) + " appears twice in header (expected " +
                expected_header() + ")");
    index_of_[c] = static_cast<int>(pos);
  }
  for (std::size_t c = 0; c < kRequiredColumns; ++c)
    if (index_of_[c] < 0)
      csv_.fail(std::string("header lacks required column '") + kColumnNames[c] + "' (expected " +
                expected_header() + ")");
  column_count_ = names.size();
}

std::string_view XpusimTraceReader::field_of(Column column) const {
  const int i = index_of_[column];
  return i < 0 ? std::string_view{} : csv_.field(static_cast<std::size_t>(i));
}

bool XpusimTraceReader::next(TraceRow& row) {
  if (!csv_.next_line()) {
    if (rows_ == 0)
      throw Error(csv_.file_name() + ": no data rows after the header (expected at least one)");
    return false;
  }
  if (csv_.field_count() != column_count_)
    csv_.fail("row has " + std::to_string(csv_.field_count()) + " fields (expected " +
              std::to_string(column_count_) + ", as in the header)");
  const std::string_view arrival = field_of(kArrival);
  const auto offset = parse_seconds_ns(arrival);
  if (!offset || *offset < 0)
    csv_.fail("arrival_s " + quoted_excerpt(arrival) +
              " is not a valid arrival (expected a non-negative number of seconds below 9.2e9)");
  if (rows_ > 0 && *offset < previous_ns_)
    csv_.fail("arrival_s " + quoted_excerpt(arrival) +
              " goes backwards (expected arrivals sorted ascending)");
  previous_ns_ = *offset;
  row.offset_ns = *offset;
  const auto at = [&](Column c) { return static_cast<std::size_t>(index_of_[c]); };
  row.prompt_tokens =
      static_cast<std::int32_t>(csv_.integer(at(kPrompt), "prompt_tokens", 1, kMaxTokens));
  row.output_tokens =
      static_cast<std::int32_t>(csv_.integer(at(kOutput), "output_tokens", 1, kMaxTokens));
  read_optional(row);
  ++rows_;
  return true;
}

// Optional columns: an empty field means the row does not state that value.
void XpusimTraceReader::read_optional(TraceRow& row) {
  const auto at = [&](Column c) { return static_cast<std::size_t>(index_of_[c]); };
  const auto given = [&](Column c) { return index_of_[c] >= 0 && !field_of(c).empty(); };
  row.tenant.assign(field_of(kTenant));
  // Tenant names reach summary.json, which must be valid UTF-8.
  if (first_invalid_utf8(row.tenant) != std::string_view::npos)
    csv_.fail("tenant is not UTF-8 text (expected a name in UTF-8)");
  row.session = given(kSession) ? csv_.unsigned_integer(at(kSession), "session") : 0;
  row.priority = given(kPriority)
                     ? static_cast<std::int32_t>(csv_.integer(
                           at(kPriority), "priority", std::numeric_limits<std::int32_t>::min(),
                           std::numeric_limits<std::int32_t>::max()))
                     : 0;
  row.ttft_slo_s =
      given(kTtft) ? std::optional(csv_.real(at(kTtft), "ttft_slo_s", 0.0)) : std::nullopt;
  row.tpot_slo_s =
      given(kTpot) ? std::optional(csv_.real(at(kTpot), "tpot_slo_s", 0.0)) : std::nullopt;
  row.prefix_hashes.clear();
  if (given(kPrefix)) read_prefix_hashes(field_of(kPrefix), row.prefix_hashes);
}

void XpusimTraceReader::read_prefix_hashes(std::string_view text, std::vector<std::uint64_t>& out) {
  split_fields(text, ';', scratch_);
  for (const std::string_view piece : scratch_) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), value);
    if (piece.empty() || ec != std::errc() || end != piece.data() + piece.size())
      csv_.fail("prefix_hashes element " + quoted_excerpt(piece) +
                " is not an unsigned 64-bit integer (expected integers separated by ';')");
    out.push_back(value);
  }
}

}  // namespace xpusim::workload
