#include "xpusim/workload/mooncake_trace_reader.hpp"

#include <array>
#include <charconv>
#include <limits>

#include "xpusim/core/error.hpp"
#include "xpusim/workload/json_line_scanner.hpp"
#include "xpusim/workload/time_parse.hpp"

namespace xpusim::workload {
namespace {

constexpr std::int64_t kMaxTokens = std::numeric_limits<std::int32_t>::max();
constexpr std::array<std::string_view, 4> kKeys = {"timestamp", "input_length", "output_length",
                                                   "hash_ids"};
constexpr std::size_t kRequiredKeys = 3;  // hash_ids may be absent (no prefix information)

std::string expected_keys() {
  return "keys timestamp, input_length, output_length and optionally hash_ids, each once: " +
         std::string(MooncakeTraceReader::kShape);
}

}  // namespace

MooncakeTraceReader::MooncakeTraceReader(const std::filesystem::path& path) : lines_(path) {}

bool MooncakeTraceReader::next(TraceRow& row) {
  if (!lines_.next_line(false)) {
    if (rows_ == 0)
      throw Error(lines_.file_name() +
                  ": no data rows (expected one JSON object per line: " + kShape + ")");
    return false;
  }
  read_object(row);
  if (rows_ > 0 && row.offset_ns < previous_ns_)
    lines_.fail("timestamp goes backwards (expected timestamps sorted ascending)");
  previous_ns_ = row.offset_ns;
  ++rows_;
  return true;
}

void MooncakeTraceReader::read_object(TraceRow& row) {
  JsonLineScanner scan(lines_.line_text(), lines_);
  std::array<bool, kKeys.size()> seen{};
  // Fields this format lacks are reset; prefix_hashes keeps its capacity from the last row.
  row.tenant.clear();
  row.session = 0;
  row.priority = 0;
  row.ttft_slo_s.reset();
  row.tpot_slo_s.reset();
  row.prefix_hashes.clear();
  scan.expect('{', "a JSON object");
  if (!scan.consume('}')) {
    do {
      const std::string_view key = scan.key();
      std::size_t k = 0;
      while (k < kKeys.size() && key != kKeys[k]) ++k;
      if (k == kKeys.size())
        scan.fail("unknown key \"" + std::string(key) + "\" (expected " + expected_keys() + ")");
      if (seen[k])
        scan.fail("key \"" + std::string(key) + "\" appears twice (expected " + expected_keys() +
                  ")");
      seen[k] = true;
      scan.expect(':', "':' after the key");
      read_value(scan, key, row);
    } while (scan.consume(','));
    scan.expect('}', "',' or '}'");
  }
  scan.expect_end();
  for (std::size_t k = 0; k < kRequiredKeys; ++k)
    if (!seen[k])
      scan.fail("missing key \"" + std::string(kKeys[k]) + "\" (expected " + expected_keys() + ")");
}

void MooncakeTraceReader::read_value(JsonLineScanner& scan, std::string_view key, TraceRow& row) {
  if (key == "timestamp") {
    row.offset_ns = read_timestamp(scan);
  } else if (key == "input_length") {
    row.prompt_tokens = static_cast<std::int32_t>(read_integer(scan, key, 1));
  } else if (key == "output_length") {
    row.output_tokens = static_cast<std::int32_t>(read_integer(scan, key, 0));
    // As for Azure rows: a request that generated nothing still took a prefill.
    if (row.output_tokens == 0) {
      row.output_tokens = 1;
      ++clamped_output_rows_;
    }
  } else {
    read_hash_ids(scan, row.prefix_hashes);
  }
}

TimeNs MooncakeTraceReader::read_timestamp(JsonLineScanner& scan) {
  const std::string_view text = scan.number("a number of milliseconds for \"timestamp\"");
  // Parsed as if seconds (exact from the digits), then scaled from "ns per s" to "ns per ms".
  const auto scaled = parse_seconds_ns(text);
  if (!scaled || *scaled < 0)
    scan.fail("timestamp " + std::string(text) +
              " is out of range (expected non-negative milliseconds below 9.2e9)");
  return (*scaled + 500) / 1000;  // rounds half up at the nanosecond
}

std::int64_t MooncakeTraceReader::read_integer(JsonLineScanner& scan, std::string_view key,
                                               std::int64_t min) {
  const std::string_view text =
      scan.number(key == "input_length" ? "an integer >= 1 for \"input_length\""
                                        : "an integer >= 0 for \"output_length\"");
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && value >= min && value <= kMaxTokens)
    return value;
  // The message is built only on failure: this runs for two fields of every row.
  scan.fail(std::string(key) + " " + std::string(text) + " is not valid (expected an integer in [" +
            std::to_string(min) + ", " + std::to_string(kMaxTokens) + "])");
}

void MooncakeTraceReader::read_hash_ids(JsonLineScanner& scan, std::vector<std::uint64_t>& out) {
  static constexpr std::string_view kExpected =
      "a list of unsigned 64-bit integers for \"hash_ids\"";
  scan.expect('[', kExpected);
  if (scan.consume(']')) return;
  do {
    const std::string_view text = scan.number(kExpected);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
      scan.fail("hash_ids element " + std::string(text) + " is not valid (expected " +
                std::string(kExpected) + ")");
    out.push_back(value);
  } while (scan.consume(','));
  scan.expect(']', "',' or ']' in hash_ids");
}

}  // namespace xpusim::workload
