#include "xpusim/workload/mooncake_trace_reader.hpp"

#include <array>
#include <charconv>
#include <limits>

#include <nlohmann/json.hpp>

#include "xpusim/core/error.hpp"
#include "xpusim/workload/time_parse.hpp"

namespace xpusim::workload {
namespace {

constexpr std::int64_t kMaxTokens = std::numeric_limits<std::int32_t>::max();
constexpr std::array<std::string_view, 4> kKeys = {"timestamp", "input_length", "output_length",
                                                   "hash_ids"};
constexpr std::size_t kRequiredKeys = 3;  // hash_ids may be absent (no prefix information)
// Which key's value is being read: a known key, another key (skipped), or none (between values).
constexpr int kTimestamp = 0, kInput = 1, kOutput = 2, kHashes = 3, kOther = -1, kNone = -2;
constexpr std::string_view kHashesExpected = "a list of unsigned 64-bit integers for \"hash_ids\"";

std::string expected_keys() {
  return "keys timestamp, input_length, output_length and optionally hash_ids, each once: " +
         std::string(MooncakeTraceReader::kShape);
}

std::string what_for(int key) {
  switch (key) {
    case kTimestamp: return "a number of milliseconds for \"timestamp\"";
    case kInput: return "an integer >= 1 for \"input_length\"";
    case kOutput: return "an integer >= 0 for \"output_length\"";
    default: return std::string(kHashesExpected);
  }
}

}  // namespace

// Walks one line's SAX events into a TraceRow. Nesting: depth 1 is the row object, depth 2 the
// hash_ids list; values of other keys (any nesting) are skipped. Every problem is reported
// through the line reader, so messages name FILE:LINE.
class MooncakeTraceReader::RowHandler {
 public:
  using json = nlohmann::json;
  RowHandler(const CsvReader& where, TraceRow& row, std::int64_t& clamped)
      : where_(where), row_(row), clamped_(clamped) {}
  std::array<bool, kKeys.size()> seen{};

  bool null() { return scalar("null"); }
  bool boolean(bool v) { return scalar(v ? "true" : "false"); }
  bool string(json::string_t& s) { return scalar("\"" + s + "\""); }
  bool binary(json::binary_t&) { return scalar("binary"); }
  bool number_integer(json::number_integer_t v) { return number(std::to_string(v), v < 0, v); }
  bool number_unsigned(json::number_unsigned_t v) {
    if (in_hashes()) {  // the hot path: one per prompt block
      row_.prefix_hashes.push_back(v);
      return true;
    }
    return number(std::to_string(v), false, v <= kMaxTokens ? static_cast<std::int64_t>(v) : -1);
  }
  bool number_float(json::number_float_t, const json::string_t& text) {
    return number(text, false, std::nullopt);
  }
  bool start_object(std::size_t) {
    if (depth_ == 0 && !done_) return ++depth_, true;
    return nested();
  }
  bool end_object() {
    if (--depth_ == 0) done_ = true;
    if (depth_ == 1) key_ = kNone;
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ == 1 && key_ == kHashes) return ++depth_, true;
    return nested();
  }
  bool end_array() {
    if (--depth_ == 1) key_ = kNone;
    return true;
  }
  bool key(json::string_t& k) {
    if (depth_ != 1) return true;  // inside a skipped value
    key_ = kOther;
    for (std::size_t i = 0; i < kKeys.size(); ++i)
      if (k == kKeys[i]) key_ = static_cast<int>(i);
    if (key_ == kOther) return true;
    if (seen[key_])
      where_.fail("key \"" + k + "\" appears twice (expected " + expected_keys() + ")");
    seen[key_] = true;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    if (const auto colon = what.find(": "); colon != std::string::npos)
      what = what.substr(colon + 2);
    if (done_)
      where_.fail("unexpected text after the object: " + what +
                  " (expected one JSON object per line: " + kShape + ")");
    std::string near;
    if (key_ >= 0 && depth_ >= 1) near = " in the value of \"" + std::string(kKeys[key_]) + "\"";
    where_.fail("not valid JSON" + near + ": " + what + " (expected one JSON object per line: " +
                kShape + ")");
  }

 private:
  [[noreturn]] void bad_hash(const std::string& text) const {
    where_.fail("hash_ids element " + text + " is not valid (expected " +
                std::string(kHashesExpected) + ")");
  }
  bool in_hashes() const { return depth_ == 2 && key_ == kHashes; }
  bool skipping() const { return depth_ > 1 || (depth_ == 1 && key_ == kOther); }

  // A nested object or list: skipped under an unknown key, an error elsewhere.
  bool nested() {
    if (depth_ == 0) where_.fail(std::string("expected a JSON object: ") + kShape);
    if (depth_ == 1 && key_ == kOther) return ++depth_, true;
    if (depth_ > 1 && !in_hashes()) return ++depth_, true;
    where_.fail("expected " + what_for(key_));
  }
  bool scalar(const std::string& text) {
    if (depth_ == 0) where_.fail(std::string("expected a JSON object: ") + kShape);
    if (skipping() && !in_hashes()) return value_done();
    if (in_hashes()) bad_hash(text);
    where_.fail("expected " + what_for(key_) + ", got " + text);
  }
  // `integer`: the value when it is an integer in int64 range (nullopt for a fraction/exponent).
  bool number(const std::string& text, bool negative, std::optional<std::int64_t> integer) {
    if (depth_ == 0) where_.fail(std::string("expected a JSON object: ") + kShape);
    if (in_hashes())
      bad_hash(text);
    if (skipping()) return value_done();
    if (key_ == kHashes) where_.fail("expected " + what_for(kHashes) + ", got " + text);
    if (key_ == kTimestamp) {
      // Parsed as if seconds (exact from the digits), then scaled from "ns per s" to "ns per ms".
      const auto scaled = parse_seconds_ns(text);
      if (!scaled || *scaled < 0 || negative)
        where_.fail("timestamp " + text +
                    " is out of range (expected non-negative milliseconds below 9.2e9)");
      row_.offset_ns = (*scaled + 500) / 1000;  // rounds half up at the nanosecond
      return value_done();
    }
    const std::int64_t min = key_ == kInput ? 1 : 0;
    const char* name = key_ == kInput ? "input_length" : "output_length";
    if (!integer || *integer < min || *integer > kMaxTokens)
      where_.fail(std::string(name) + " " + text + " is not valid (expected an integer in [" +
                  std::to_string(min) + ", " + std::to_string(kMaxTokens) + "])");
    if (key_ == kInput) {
      row_.prompt_tokens = static_cast<std::int32_t>(*integer);
    } else {
      row_.output_tokens = static_cast<std::int32_t>(*integer);
      // As for Azure rows: a request that generated nothing still took a prefill.
      if (row_.output_tokens == 0) {
        row_.output_tokens = 1;
        ++clamped_;
      }
    }
    return value_done();
  }
  // A scalar value ended; at depth 1 the next token is a key or the end of the row.
  bool value_done() {
    if (depth_ == 1) key_ = kNone;
    return true;
  }

  const CsvReader& where_;
  TraceRow& row_;
  std::int64_t& clamped_;
  int depth_ = 0;
  int key_ = kNone;
  bool done_ = false;
};

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
  // Fields this format lacks are reset; prefix_hashes keeps its capacity from the last row.
  row.tenant.clear();
  row.session = 0;
  row.priority = 0;
  row.ttft_slo_s.reset();
  row.tpot_slo_s.reset();
  row.prefix_hashes.clear();
  RowHandler handler(lines_, row, clamped_output_rows_);
  nlohmann::json::sax_parse(lines_.line_text(), &handler);
  for (std::size_t k = 0; k < kRequiredKeys; ++k)
    if (!handler.seen[k])
      lines_.fail("missing key \"" + std::string(kKeys[k]) + "\" (expected " + expected_keys() +
                  ")");
}

}  // namespace xpusim::workload
