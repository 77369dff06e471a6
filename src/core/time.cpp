#include "xpusim/core/time.hpp"

#include <cmath>
#include <sstream>

#include "xpusim/core/error.hpp"

namespace xpusim {
namespace {
// 2^63 ns is about 292 years; anything at or past it cannot be represented.
constexpr double kMaxSeconds = 9.2e9;

void check_range(double seconds) {
  if (!std::isfinite(seconds) || std::fabs(seconds) >= kMaxSeconds) {
    std::ostringstream os;
    os << "time " << seconds << " s does not fit in int64 nanoseconds (|t| < 9.2e9 s)";
    throw Error(os.str());
  }
}
}  // namespace

TimeNs seconds_to_ns(double seconds) {
  check_range(seconds);
  return static_cast<TimeNs>(std::llround(seconds * 1e9));
}

TimeNs duration_ns_ceil(double seconds) {
  check_range(seconds);
  if (seconds <= 0.0) return 0;
  const TimeNs t = static_cast<TimeNs>(std::ceil(seconds * 1e9));
  return t > 0 ? t : 1;
}

}  // namespace xpusim
