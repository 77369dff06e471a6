#pragma once
// Byte-stable text formatting shared by the CSV, JSON-trace and table writers. Integer
// nanoseconds are printed with integer arithmetic, so a time never depends on floating-point
// rounding or on the C library.
#include <ostream>
#include <string>
#include <string_view>

#include "xpusim/core/time.hpp"

namespace xpusim::report {

// Seconds with exactly 9 decimals, e.g. 1500000001 -> "1.500000001"; negative values keep a sign.
void write_ns_as_seconds(std::ostream& out, TimeNs ns);
// Microseconds with exactly 3 decimals (Chrome trace "ts"/"dur" units), e.g. 1500 -> "1.500".
void write_ns_as_micros(std::ostream& out, TimeNs ns);
// printf("%.<decimals>f"); non-finite values print as an empty string (an empty CSV cell).
std::string format_fixed(double value, int decimals);
// A CSV cell: quoted (RFC 4180) only when it contains a comma, quote, CR or LF.
void write_csv_cell(std::ostream& out, std::string_view text);
// A JSON string literal with quotes, escaping quotes, backslashes and control characters.
void write_json_string(std::ostream& out, std::string_view text);

}  // namespace xpusim::report
