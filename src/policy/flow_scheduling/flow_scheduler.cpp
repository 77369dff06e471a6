#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"

#include <algorithm>

namespace xpusim::policy {

const char* stage_name(Stage s) { return s == Stage::Prefill ? "prefill" : "decode"; }

double contention_stretch(const hw::EngineWork& victim, double factor, double aggressor_pressure) {
  const double alone = victim.standalone_ns();
  if (alone <= 0) return 1.0;
  const double s = 1.0 + (factor - 1.0) * aggressor_pressure;
  return (victim.fixed_ns + std::max(victim.compute_ns, victim.memory_ns * s)) / alone;
}

}  // namespace xpusim::policy
