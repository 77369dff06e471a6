#pragma once
// What of a user's input an error message may echo: a bounded excerpt with every byte that
// could garble a terminal or a log escaped. One helper for every reader and diagnostic, so a
// 50 MB field, an ESC sequence, a CR, a NUL or invalid UTF-8 never reaches stderr raw.
#include <cstddef>
#include <string>
#include <string_view>

namespace xpusim {

// Longest excerpt of a value (in output characters, escapes included) before it is cut.
inline constexpr std::size_t kExcerptChars = 80;

// `text` made safe to print: printable ASCII and well-formed UTF-8 (U+00A0 and up) are kept;
// a NUL is shown as \0, tab/CR/LF as \t \r \n, other control bytes (ESC, DEL, C1 controls)
// and bytes of malformed UTF-8 as \xNN; a backslash stays a backslash. When the result would
// exceed `max_chars`, it is cut at a character boundary and "..." appended (beyond max_chars).
std::string excerpt(std::string_view text, std::size_t max_chars = kExcerptChars);

// excerpt() in single quotes: 'value'.
std::string quoted_excerpt(std::string_view text, std::size_t max_chars = kExcerptChars);

// A whole error message made safe for the terminal: escaped as excerpt() does and bounded at
// 2000 characters (messages built from several excerpts stay whole; a message that echoes a
// huge value by mistake is cut, never printed in full).
std::string safe_message(std::string_view message);

}  // namespace xpusim
