#pragma once
// Streams a comma-separated file one line at a time and turns bad fields into errors that name
// the file and line. Memory is one line, whatever the file's length. Fields may be quoted as
// RFC 4180 says ("a, b" holds a comma, "" is a quote; spaces around the quotes are ignored), as
// spreadsheet exports of the Azure traces are; a quoted field cannot span lines.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace xpusim::workload {

// Line-by-line CSV reader with located, typed field parsing.
class CsvReader {
 public:
  // Throws xpusim::Error when the file cannot be opened.
  explicit CsvReader(const std::filesystem::path& path);

  // Advances to the next non-blank line and, when `split`, splits it on commas (JSON-lines
  // readers reuse the line handling but parse the whole line); false at end of file.
  bool next_line(bool split = true);
  std::size_t field_count() const { return fields_.size(); }
  std::string_view field(std::size_t i) const { return fields_.at(i); }
  const std::vector<std::string_view>& fields() const { return fields_; }
  // The current line without a leading UTF-8 byte-order mark.
  std::string_view line_text() const { return text_; }
  std::int64_t line_number() const { return line_number_; }
  const std::string& file_name() const { return file_name_; }

  // "FILE:LINE" of the current line.
  std::string location() const;
  // Throws xpusim::Error "FILE:LINE: what".
  [[noreturn]] void fail(const std::string& what) const;

  // Parses field i as an integer in [min, max]; `column` names it in the error.
  std::int64_t integer(std::size_t i, std::string_view column, std::int64_t min,
                       std::int64_t max) const;
  std::uint64_t unsigned_integer(std::size_t i, std::string_view column) const;
  // Parses field i as a finite number in [min, max].
  double real(std::size_t i, std::string_view column, double min,
              double max = std::numeric_limits<double>::max()) const;

 private:
  std::ifstream in_;
  std::string file_name_;
  std::string line_;
  std::string_view text_;  // line_ without the byte-order mark
  std::vector<std::string_view> fields_;
  std::vector<std::string> unquoted_;  // quoted fields' text, when the line has quotes
  std::int64_t line_number_ = 0;

  void split_quoted(std::string_view text);
};

// Throws xpusim::Error when `path` is a pipe (FIFO): a pipe's content can be read only once,
// and a second open would wait forever for a writer. `why` says what needs the second pass.
void require_rereadable(const std::filesystem::path& path, const std::string& why);

// Splits `text` on `sep`, trimming spaces and tabs around each piece (views into `text`).
void split_fields(std::string_view text, char sep, std::vector<std::string_view>& out);

}  // namespace xpusim::workload
