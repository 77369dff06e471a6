#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"

#include <algorithm>

namespace xpusim::policy {

const char* stage_name(Stage s) { return s == Stage::Prefill ? "prefill" : "decode"; }

bool engine_claimed(const FlowDecision& d, hw::EngineKind engine) {
  for (const RunGroup& r : d.run)
    for (const EnginePart& p : r.parts)
      if (p.engine == engine) return true;
  return false;
}

bool task_claimed(const FlowDecision& d, int task) {
  for (const RunGroup& r : d.run)
    if (r.task == task) return true;
  return false;
}

double contention_stretch(const hw::EngineWork& victim, double factor, double aggressor_pressure) {
  const double alone = victim.standalone_ns();
  if (alone <= 0) return 1.0;
  const double s = 1.0 + (factor - 1.0) * aggressor_pressure;
  return (victim.fixed_ns + std::max(victim.compute_ns, victim.memory_ns * s)) / alone;
}

}  // namespace xpusim::policy
