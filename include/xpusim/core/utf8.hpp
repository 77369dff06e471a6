#pragma once
// UTF-8 well-formedness: names from scenario files and traces reach JSON outputs, which must be
// valid UTF-8, so malformed text is rejected where it is read, with its position.
#include <cstddef>
#include <string_view>

namespace xpusim {

// Offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms,
// surrogates and code points past U+10FFFF are malformed), or std::string_view::npos.
std::size_t first_invalid_utf8(std::string_view text);

// Bytes of the well-formed UTF-8 sequence starting at text[i] (1 for ASCII), or 0 when the
// bytes there do not start one. Requires i < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

}  // namespace xpusim
