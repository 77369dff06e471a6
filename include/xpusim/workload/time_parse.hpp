#pragma once
// Exact text-to-nanosecond conversions for trace timestamps. They never go through double, so an
// arrival written with nanosecond digits is replayed to the nanosecond.
#include <optional>
#include <string_view>

#include "xpusim/core/time.hpp"

namespace xpusim::workload {

// A wall-clock timestamp "YYYY-MM-DD HH:MM:SS[.f]" ('T' also accepted between date and time;
// 0 to 9 fractional digits; an optional "Z", "+HH:MM", "-HH:MM", "+HHMM" or "+HH" UTC offset)
// as nanoseconds since 1970-01-01 00:00:00 UTC. Nullopt when malformed, out of calendar range
// (e.g. February 30) or outside int64 nanoseconds.
std::optional<TimeNs> parse_timestamp_ns(std::string_view text);

// A decimal number of seconds ("12", "1.5", ".25", "1e-05", "-3") as nanoseconds, rounded half
// away from zero at the nanosecond. Nullopt when malformed (including nan/inf) or outside int64.
std::optional<TimeNs> parse_seconds_ns(std::string_view text);

}  // namespace xpusim::workload
