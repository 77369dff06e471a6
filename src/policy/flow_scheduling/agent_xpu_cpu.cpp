// The CPU steps of AgentXpuScheduler (issue 18): small proactive decode iterations and proactive
// overflow on the CPU. Both are off by default; the CPU never runs reactive work, so reactive
// flows keep the NPU and iGPU with priority, and a CPU group starts beside running reactive work
// only within the slack margin of its DDR-contention stretch (fits_beside_reactive).
#include "xpusim/policy/flow_scheduling/agent_xpu.hpp"

#include <algorithm>

namespace xpusim::policy {
namespace {

using hw::EngineKind;
constexpr int kCpu = static_cast<int>(EngineKind::Cpu);
constexpr int kIgpu = static_cast<int>(EngineKind::Igpu);
constexpr int kNpu = static_cast<int>(EngineKind::Npu);

bool cpu_free(const FlowView& view, const FlowDecision& d) {
  return !view.engine_busy(EngineKind::Cpu) && !engine_claimed(d, EngineKind::Cpu);
}

bool engine_taken(const FlowView& view, const FlowDecision& d, EngineKind e) {
  return view.engine_busy(e) || engine_claimed(d, e);
}

bool reactive_waiting(const FlowView& view) {
  for (const TaskState& t : view.tasks())
    if (t.cls == FlowClass::Reactive) return true;
  for (const ReadyFlow& f : view.ready())
    if (f.cls == FlowClass::Reactive) return true;
  return false;
}

// The engine Agent.xpu binds a proactive task's next group to.
EngineKind preferred(const TaskState& t) {
  if (t.stage == Stage::Decode || !t.next_group_work[kNpu]) return EngineKind::Igpu;
  return EngineKind::Npu;
}

std::vector<int> first_ready_decode(const FlowView& view, int most) {
  std::vector<int> flows;
  for (const ReadyFlow& f : view.ready())
    if (f.cls == FlowClass::Proactive && f.stage == Stage::Decode &&
        static_cast<int>(flows.size()) < most)
      flows.push_back(f.id);
  return flows;
}

}  // namespace

void AgentXpuScheduler::schedule_cpu_small(const FlowView& view, FlowDecision& d) const {
  const int most = config_.cpu_small_flows;
  if (most == 0 || !cpu_free(view, d)) return;
  const bool igpu_unavailable =
      engine_taken(view, d, EngineKind::Igpu) || reactive_waiting(view);
  auto prefers_cpu = [&](const std::optional<hw::EngineWork>& cpu,
                         const std::optional<hw::EngineWork>& igpu) {
    return cpu && (igpu_unavailable || !igpu || cpu->standalone_ns() <= igpu->standalone_ns()) &&
           fits_beside_reactive(view, EngineKind::Cpu, cpu->pressure());
  };
  if (const TaskState* t = first_paused(view, [&](const TaskState& x) {
        return x.cls == FlowClass::Proactive && x.stage == Stage::Decode && x.members <= most &&
               !task_claimed(d, x.id);
      })) {
    if (prefers_cpu(t->next_group_work[kCpu], t->next_group_work[kIgpu]))
      d.run.push_back({t->id, {{EngineKind::Cpu, 1.0}}});
    return;  // a small iteration left paused goes to the iGPU; open no other meanwhile
  }
  const std::vector<int> flows = first_ready_decode(view, most);
  if (flows.empty()) return;
  if (prefers_cpu(view.predict(Stage::Decode, flows, 0, EngineKind::Cpu),
                  view.predict(Stage::Decode, flows, 0, EngineKind::Igpu)))
    d.open.push_back({Stage::Decode, flows, 0});
}

double AgentXpuScheduler::finish_after_wait(const FlowView& view, const FlowDecision& d,
                                            EngineKind engine, double work_ns) const {
  const int e = static_cast<int>(engine);
  double free_ns = static_cast<double>(view.now());
  for (const TaskState& t : view.tasks()) {
    if (t.running && t.running_on[e])
      free_ns = static_cast<double>(view.engine_free_at(engine)) +
                view.rest_ns(t.id, engine).value_or(0);
    else if (!t.running && t.next_group_work[e])
      for (const RunGroup& r : d.run)
        if (r.task == t.id && r.parts.front().engine == engine)
          free_ns = static_cast<double>(view.now()) + t.next_group_work[e]->standalone_ns() +
                    view.rest_ns(t.id, engine).value_or(0);
  }
  return free_ns + work_ns;
}

bool AgentXpuScheduler::overflow_wins(const FlowView& view, const FlowDecision& d,
                                      const TaskState& t) const {
  const EngineKind p = preferred(t);
  if (!engine_taken(view, d, p)) return false;
  const auto& cpu = t.next_group_work[kCpu];
  const auto cpu_rest = view.rest_ns(t.id, EngineKind::Cpu);
  if (!cpu || !cpu_rest) return false;
  const double on_cpu = static_cast<double>(view.now()) + cpu->standalone_ns() + *cpu_rest;
  const auto& pw = t.next_group_work[static_cast<int>(p)];
  const auto p_rest = view.rest_ns(t.id, p);
  const bool faster = !pw || !p_rest ||
                      on_cpu < finish_after_wait(view, d, p, pw->standalone_ns() + *p_rest);
  return faster && fits_beside_reactive(view, EngineKind::Cpu, cpu->pressure());
}

void AgentXpuScheduler::schedule_cpu_overflow(const FlowView& view, FlowDecision& d) const {
  // Nothing new while another step opens work this round (it may name the same flows).
  if (!config_.cpu_overflow || !cpu_free(view, d)) return;
  const TaskState* best = nullptr;
  bool left_paused = false;
  for (const TaskState& t : view.tasks()) {
    if (t.running || t.cls != FlowClass::Proactive || task_claimed(d, t.id)) continue;
    left_paused = true;
    if (!overflow_wins(view, d, t)) continue;
    if (!best || t.turn_ready_ns < best->turn_ready_ns) best = &t;
  }
  if (best) {
    d.run.push_back({best->id, {{EngineKind::Cpu, 1.0}}});
    return;
  }
  // Open new work for the CPU only when no proactive iteration is left paused (it waits for
  // its engine, and the next round would ask the same question again).
  if (!left_paused && d.open.empty()) open_for_overflow(view, d);
}

void AgentXpuScheduler::open_for_overflow(const FlowView& view, FlowDecision& d) const {
  const double now = static_cast<double>(view.now());
  auto cpu_wins = [&](const std::optional<hw::EngineWork>& cpu,
                      const std::optional<hw::EngineWork>& pref, EngineKind p) {
    return cpu && engine_taken(view, d, p) &&
           (!pref || now + cpu->standalone_ns() <
                         finish_after_wait(view, d, p, pref->standalone_ns())) &&
           fits_beside_reactive(view, EngineKind::Cpu, cpu->pressure());
  };
  const std::vector<int> flows = first_ready_decode(view, config_.max_decode_batch);
  if (!flows.empty() &&
      cpu_wins(view.predict(Stage::Decode, flows, 0, EngineKind::Cpu),
               view.predict(Stage::Decode, flows, 0, EngineKind::Igpu), EngineKind::Igpu)) {
    d.open.push_back({Stage::Decode, flows, 0});
    return;
  }
  for (const ReadyFlow& f : view.ready()) {
    if (f.cls != FlowClass::Proactive || f.stage != Stage::Prefill) continue;
    const std::int64_t chunk = std::min(f.tokens_left, config_.prefill_chunk_tokens);
    auto pref = view.predict(Stage::Prefill, {f.id}, chunk, EngineKind::Npu);
    const EngineKind p = pref ? EngineKind::Npu : EngineKind::Igpu;
    if (!pref) pref = view.predict(Stage::Prefill, {f.id}, chunk, EngineKind::Igpu);
    if (cpu_wins(view.predict(Stage::Prefill, {f.id}, chunk, EngineKind::Cpu), pref, p))
      d.open.push_back({Stage::Prefill, {f.id}, chunk});
    return;  // the oldest proactive prompt only (one prefill chunk at a time, as on the NPU)
  }
}

}  // namespace xpusim::policy
