#pragma once
// Simulated time: an integer count of nanoseconds, so ordering is exact and runs are reproducible.
#include <cstdint>
#include <limits>

namespace xpusim {

using TimeNs = std::int64_t;

inline constexpr TimeNs kNsPerUs = 1'000;
inline constexpr TimeNs kNsPerMs = 1'000'000;
inline constexpr TimeNs kNsPerS = 1'000'000'000;
inline constexpr TimeNs kTimeNever = std::numeric_limits<TimeNs>::max();

// Seconds (a user-facing double) to nanoseconds; throws xpusim::Error when out of int64 range
// or not finite, so a huge horizon in a scenario never wraps around silently.
TimeNs seconds_to_ns(double seconds);

// Rounds up so that a positive duration never becomes zero (an operation always takes time).
TimeNs duration_ns_ceil(double seconds);

inline constexpr double ns_to_seconds(TimeNs t) { return static_cast<double>(t) * 1e-9; }

}  // namespace xpusim
