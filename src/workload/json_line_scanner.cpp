#include "xpusim/workload/json_line_scanner.hpp"

#include "xpusim/core/excerpt.hpp"

namespace xpusim::workload {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

void JsonLineScanner::skip_space() {
  while (pos_ < text_.size() &&
         (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' || text_[pos_] == '\n'))
    ++pos_;
}

std::string JsonLineScanner::here() const {
  if (pos_ >= text_.size()) return "end of line";
  const std::string_view rest = text_.substr(pos_, 12);
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string out(1, '\'');
  out.append(excerpt(rest));
  out.append(pos_ + rest.size() < text_.size() ? "...'" : "'");
  out.append(" at column ").append(std::to_string(pos_ + 1));
  return out;
}

void JsonLineScanner::fail(const std::string& what) const { where_.fail(what); }

bool JsonLineScanner::consume(char c) {
  skip_space();
  if (pos_ < text_.size() && text_[pos_] == c) {
    ++pos_;
    return true;
  }
  return false;
}

void JsonLineScanner::expect(char c, std::string_view what) {
  if (!consume(c)) fail("found " + here() + " (expected " + std::string(what) + ")");
}

std::string_view JsonLineScanner::key() {
  expect('"', "a quoted key");
  const std::size_t start = pos_;
  while (pos_ < text_.size() && text_[pos_] != '"') {
    if (text_[pos_] == '\\')
      fail("escape sequence in a key at column " + std::to_string(pos_ + 1) +
           " (expected a plain key such as \"timestamp\")");
    ++pos_;
  }
  if (pos_ >= text_.size()) fail("unterminated key (expected a closing '\"')");
  return text_.substr(start, pos_++ - start);
}

std::string_view JsonLineScanner::number(std::string_view what) {
  skip_space();
  const std::size_t start = pos_;
  const auto digits = [&] {
    const std::size_t from = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    return pos_ > from;
  };
  const auto at = [&](char c) { return pos_ < text_.size() && text_[pos_] == c; };
  bool ok = true;
  if (at('-')) ++pos_;
  if (at('0')) {
    ++pos_;  // JSON forbids leading zeros, so "012" stops after the 0 and fails below
  } else {
    ok = digits();
  }
  if (ok && at('.')) ++pos_, ok = digits();
  if (ok && (at('e') || at('E'))) {
    ++pos_;
    if (at('+') || at('-')) ++pos_;
    ok = digits();
  }
  // A number must end at a delimiter: "12x" or "012" is malformed, not 12 followed by junk.
  if (ok && pos_ < text_.size() &&
      !(text_[pos_] == ',' || text_[pos_] == ']' || text_[pos_] == '}' || text_[pos_] == ' ' ||
        text_[pos_] == '\t' || text_[pos_] == '\r'))
    ok = false;
  if (!ok) {
    pos_ = start;
    fail("found " + here() + " (expected " + std::string(what) + ")");
  }
  return text_.substr(start, pos_ - start);
}

void JsonLineScanner::expect_end() {
  skip_space();
  if (pos_ < text_.size())
    fail("found " + here() + " after the object (expected one JSON object per line)");
}

}  // namespace xpusim::workload
