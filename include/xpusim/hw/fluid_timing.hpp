#pragma once
// Helpers the fluid resources (MemoryDomain, LinkFabric) share for their completion events.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "xpusim/core/time.hpp"

namespace xpusim::hw {

// An operation's slot index and generation in one event payload, so a stale completion of a
// recycled slot is recognised.
inline std::uint64_t pack_slot(std::uint32_t index, std::uint32_t generation) {
  return (static_cast<std::uint64_t>(generation) << 32) | index;
}

// Whole nanoseconds until `remaining_ns` of (possibly slowed) work is done. The relative slack
// absorbs floating-point residue (2000.0000000001 ns is 2000 ns), so a duration computed by hand
// in whole nanoseconds is hit exactly.
inline TimeNs whole_ns(double remaining_ns) {
  if (remaining_ns <= 0) return 0;
  const double slack = 1e-9 * std::max(1.0, remaining_ns);
  return static_cast<TimeNs>(std::max(0.0, std::ceil(remaining_ns - slack)));
}

}  // namespace xpusim::hw
