#include "xpusim/core/excerpt.hpp"

#include <cstdint>

#include "xpusim/core/utf8.hpp"

namespace xpusim {
namespace {

constexpr std::size_t kMessageChars = 2000;

void append_hex(std::string& out, unsigned char c) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += "\\x";
  out += kDigits[c >> 4];
  out += kDigits[c & 0xF];
}

// The escaped form of the one character starting at text[i]; sets `len` to its byte count.
std::string escaped_at(std::string_view text, std::size_t i, std::size_t& len) {
  const auto c = static_cast<unsigned char>(text[i]);
  len = 1;
  if (c >= 0x20 && c < 0x7F) return std::string(1, static_cast<char>(c));
  switch (c) {
    case 0: return "\\0";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case '\n': return "\\n";
    default: break;
  }
  std::string out;
  if (c < 0x80) {  // other C0 controls, DEL
    append_hex(out, c);
    return out;
  }
  const std::size_t n = utf8_sequence_length(text, i);
  // C1 controls (U+0080..U+009F, encoded 0xC2 0x80..0x9F) are escaped like C0 ones.
  const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
  if (n == 0 || c1) {
    for (std::size_t k = 0; k < (c1 ? 2 : 1); ++k) append_hex(out, static_cast<unsigned char>(text[i + k]));
    len = c1 ? 2 : 1;
    return out;
  }
  len = n;
  return std::string(text.substr(i, n));
}

std::string escape_bounded(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 0;
    const std::string piece = escaped_at(text, i, len);
    const std::size_t piece_chars = piece[0] == '\\' ? piece.size() : 1;
    if (chars + piece_chars > max_chars) {
      out += "...";
      break;
    }
    out += piece;
    chars += piece_chars;
    i += len;
  }
  return out;
}

}  // namespace

std::string excerpt(std::string_view text, std::size_t max_chars) {
  return escape_bounded(text, max_chars);
}

std::string quoted_excerpt(std::string_view text, std::size_t max_chars) {
  return "'" + escape_bounded(text, max_chars) + "'";
}

std::string safe_message(std::string_view message) { return escape_bounded(message, kMessageChars); }

}  // namespace xpusim
