#include "xpusim/policy/flow_scheduling/igpu_only.hpp"

namespace xpusim::policy {

FlowDecision IgpuOnlyScheduler::decide(const FlowView& view) {
  FlowDecision d;
  if (view.engine_busy(hw::EngineKind::Igpu)) return d;
  // Serial engine: at most one open iteration, continued to its end.
  if (const TaskState* t = first_paused(view, [](const TaskState&) { return true; })) {
    d.run.push_back({t->id, {{hw::EngineKind::Igpu, 1.0}}});
    return d;
  }
  for (const TaskState& t : view.tasks())
    if (t.running) return d;
  if (view.ready().empty()) return d;
  // The oldest turn runs until it is done: its flow stays first in (turn_ready_ns, id) order.
  const ReadyFlow& f = view.ready().front();
  d.open.push_back({f.stage, {f.id}, f.stage == Stage::Prefill ? f.tokens_left : 0});
  return d;
}

}  // namespace xpusim::policy
