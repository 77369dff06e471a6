#pragma once
#include <string>
#include <string_view>

#include "xpusim/workload/csv_reader.hpp"

namespace xpusim::workload {

// Tokenizes one line of JSON strictly enough for flat trace records (objects whose values are
// numbers or arrays of numbers), without a JSON library: the workload layer links none, and a
// record this simple needs only keys and number tokens. Errors name the line via `where`.
class JsonLineScanner {
 public:
  JsonLineScanner(std::string_view text, const CsvReader& where) : text_(text), where_(where) {}

  // Skips JSON whitespace; true when the next character is `c`, which is then consumed.
  bool consume(char c);
  // Like consume, but a different character is an error; `what` says what was expected.
  void expect(char c, std::string_view what);
  // A string without escape sequences (the quotes removed).
  std::string_view key();
  // The text of a JSON number (-?int[.frac][e[+-]exp]), checked against the JSON grammar.
  std::string_view number(std::string_view what);
  // Fails unless only whitespace remains.
  void expect_end();
  [[noreturn]] void fail(const std::string& what) const;

 private:
  void skip_space();
  // A short quote of the text at the current position, for messages.
  std::string here() const;

  std::string_view text_;
  std::size_t pos_ = 0;
  const CsvReader& where_;
};

}  // namespace xpusim::workload
