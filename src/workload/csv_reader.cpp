#include "xpusim/workload/csv_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"

namespace xpusim::workload {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
std::string quoted(std::string_view s) { return quoted_excerpt(s); }

}  // namespace

void split_fields(std::string_view text, char sep, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(sep, start);
    out.push_back(trim(text.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

CsvReader::CsvReader(const std::filesystem::path& path) : file_name_(path.string()) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(file_name_ + ": is a directory (expected a trace file)");
  // A device (/dev/zero, a terminal) may never end a line; pipes and regular files are fine.
  if (std::filesystem::is_character_file(path, ec) || std::filesystem::is_block_file(path, ec))
    throw Error(file_name_ + ": is a device (expected a trace file or a pipe)");
  in_.open(path, std::ios::binary);
  if (!in_) throw Error(file_name_ + ": cannot open trace file (expected a readable file)");
}

void require_rereadable(const std::filesystem::path& path, const std::string& why) {
  std::error_code ec;
  if (std::filesystem::is_fifo(path, ec))
    throw Error(path.string() + ": is a pipe, but " + why +
                " reads it twice and a pipe can be read only once (expected a regular file)");
}

bool CsvReader::next_line(bool split) {
  while (std::getline(in_, line_)) {
    ++line_number_;
    std::string_view text = line_;
    // A UTF-8 byte-order mark, as spreadsheet exports write, is not part of the first field.
    if (line_number_ == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (trim(text).empty()) continue;
    text_ = text;
    if (!split)
      fields_.clear();
    else if (text.find('"') != std::string_view::npos)
      split_quoted(text);
    else
      split_fields(text, ',', fields_);
    return true;
  }
  if (in_.bad())
    throw Error(file_name_ + ": read error after line " + std::to_string(line_number_));
  fields_.clear();
  text_ = {};
  return false;
}

// RFC 4180 on one line: each field is copied (quotes removed, "" as "), then viewed.
void CsvReader::split_quoted(std::string_view text) {
  unquoted_.clear();
  std::size_t i = 0;
  for (;;) {
    std::string& field = unquoted_.emplace_back();
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size())
          fail("field " + std::to_string(unquoted_.size()) +
               " opens a quote that the line never closes (expected \"...\" with \"\" for a "
               "quote inside, on one line)");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        field += text[i];
      }
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
      if (i < text.size() && text[i] != ',')
        fail("field " + std::to_string(unquoted_.size()) +
             " has text after its closing quote (expected a comma)");
    } else {
      const std::size_t end = std::min(text.find(',', i), text.size());
      field = trim(text.substr(i, end - i));
      i = end;
    }
    if (i >= text.size()) break;
    ++i;  // the comma
  }
  fields_.assign(unquoted_.begin(), unquoted_.end());
}

std::string CsvReader::location() const { return file_name_ + ":" + std::to_string(line_number_); }

void CsvReader::fail(const std::string& what) const {
  throw Error(safe_message(location() + ": " + what));
}

std::int64_t CsvReader::integer(std::size_t i, std::string_view column, std::int64_t min,
                                std::int64_t max) const {
  const std::string_view text = field(i);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty() && value >= min &&
      value <= max)
    return value;
  // The message is built only on failure: this function runs once per field of every row.
  const std::string problem = text.empty()                           ? "is empty"
                              : ec == std::errc::result_out_of_range ? "overflows"
                              : ec != std::errc() || end != text.data() + text.size()
                                  ? "is not an integer"
                                  : "is out of range";
  fail(std::string(column) + " " + quoted(text) + " " + problem + " (expected an integer in [" +
       std::to_string(min) + ", " + std::to_string(max) + "])");
}

std::uint64_t CsvReader::unsigned_integer(std::size_t i, std::string_view column) const {
  const std::string_view text = field(i);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  fail(std::string(column) + " " + quoted(text) +
       (ec == std::errc::result_out_of_range ? " overflows" : " is not an unsigned integer") +
       " (expected an unsigned 64-bit integer)");
}

double CsvReader::real(std::size_t i, std::string_view column, double min, double max) const {
  const std::string_view text = field(i);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool number = !text.empty() && ec == std::errc() && end == text.data() + text.size() &&
                      std::isfinite(value);
  if (number && value >= min && value <= max) return value;
  std::ostringstream expected;
  if (max < std::numeric_limits<double>::max())
    expected << " (expected a finite number in [" << min << ", " << max << "])";
  else
    expected << " (expected a finite number >= " << min << ")";
  fail(std::string(column) + " " + quoted(text) +
       (!number ? " is not a finite number" : value < min ? " is too small" : " is too large") +
       expected.str());
}

}  // namespace xpusim::workload
