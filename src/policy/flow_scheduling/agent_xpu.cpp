#include "xpusim/policy/flow_scheduling/agent_xpu.hpp"

#include <cmath>

namespace xpusim::policy {
namespace {

using hw::EngineKind;
constexpr int kNpu = static_cast<int>(EngineKind::Npu);
constexpr int kIgpu = static_cast<int>(EngineKind::Igpu);

constexpr int kCpu = static_cast<int>(EngineKind::Cpu);

bool claimed(const FlowDecision& d, EngineKind engine) { return engine_claimed(d, engine); }

bool is(const TaskState& t, FlowClass cls, Stage stage) { return t.cls == cls && t.stage == stage; }

// Open iterations of the class and stage, leaving out those the CPU runs (or is given now):
// an accelerator does not idle because the CPU took some of its kind of work.
bool any_open(const FlowView& view, const FlowDecision& d, FlowClass cls, Stage stage) {
  for (const TaskState& t : view.tasks()) {
    if (!is(t, cls, stage) || t.running_on[kCpu]) continue;
    bool on_cpu = false;
    for (const RunGroup& r : d.run)
      if (r.task == t.id && r.parts.front().engine == EngineKind::Cpu) on_cpu = true;
    if (!on_cpu) return true;
  }
  return false;
}

const ReadyFlow* first_ready(const FlowView& view, FlowClass cls, Stage stage) {
  for (const ReadyFlow& f : view.ready())
    if (f.cls == cls && f.stage == stage) return &f;
  return nullptr;
}

}  // namespace

const ParamBinding<AgentXpuConfig>& AgentXpuScheduler::binding() {
  using C = AgentXpuConfig;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, prefill_chunk_tokens), "tokens",
                   "prefill chunk (static NPU shape); bounds how long a reactive arrival waits "
                   "for the NPU",
                   {.min = 1, .max = 1 << 20})
          .real(XPUSIM_KEY(C, slack_margin), "",
                "proactive work may lengthen reactive work by at most this fraction (piggybacked "
                "decode batch vs reactive-only batch; DDR-contention stretch of a reactive group)",
                {.min = 0, .max = 100})
          .integer(XPUSIM_KEY(C, max_decode_batch), "flows", "most flows in one decode iteration",
                   {.min = 1, .max = 4096})
          .real(XPUSIM_KEY(C, proactive_igpu_cap), "",
                "most iGPU time proactive-only iterations may use, as a fraction of elapsed time "
                "(1 = no cap)",
                {.min = 0, .max = 1, .min_exclusive = true})
          .integer(XPUSIM_KEY(C, cpu_small_flows), "flows",
                   "small operators on the CPU: a proactive decode iteration of at most this "
                   "many flows runs on the idle CPU when the CPU is predicted no slower than the "
                   "iGPU for it, or the iGPU is busy, or reactive work is waiting (docs/soc.md); "
                   "0 = off",
                   {.min = 0, .max = 4096})
          .boolean(XPUSIM_KEY(C, cpu_overflow),
                   "CPU overflow: proactive work whose preferred engine (NPU for prefill, iGPU "
                   "for decode) is busy runs on the idle CPU when predicted to finish earlier "
                   "than after waiting for that engine (docs/soc.md)");
  return b;
}

FlowDecision AgentXpuScheduler::decide(const FlowView& view) {
  FlowDecision d;
  schedule_npu(view, d);
  const std::size_t opened = d.open.size();
  schedule_cpu_small(view, d);
  // A small batch just opened for the CPU: the runtime asks again at once, and the iGPU then
  // batches from the flows left (they would otherwise be named twice).
  if (d.open.size() != opened) return d;
  schedule_igpu(view, d);
  schedule_cpu_overflow(view, d);
  return d;
}

bool AgentXpuScheduler::fits_beside_reactive(const FlowView& view, EngineKind engine,
                                             double pressure) const {
  for (const TaskState& t : view.tasks()) {
    if (!t.running || t.cls != FlowClass::Reactive) continue;
    for (int r = 0; r < hw::kEngineKinds; ++r) {
      if (!t.running_on[r] || r == static_cast<int>(engine) || !t.next_group_work[r]) continue;
      const double stretch = contention_stretch(
          *t.next_group_work[r], view.contention(static_cast<EngineKind>(r), engine), pressure);
      if (stretch > 1.0 + config_.slack_margin) return false;
    }
  }
  return true;
}

void AgentXpuScheduler::schedule_npu(const FlowView& view, FlowDecision& d) const {
  if (view.engine_busy(EngineKind::Npu)) return;
  // Prefill prefers the NPU; a group it cannot run goes to an idle iGPU (elastic binding).
  auto place = [&](const TaskState& t) -> bool {
    if (t.next_group_work[kNpu]) {
      d.run.push_back({t.id, {{EngineKind::Npu, 1.0}}});
      return true;
    }
    if (t.next_group_work[kIgpu] && !view.engine_busy(EngineKind::Igpu)) {
      d.run.push_back({t.id, {{EngineKind::Igpu, 1.0}}});
      return true;
    }
    return false;
  };
  // Reactive first: this is where a reactive arrival preempts proactive prefill, at the
  // boundary of the proactive group that was running.
  if (const TaskState* t = first_paused(
          view, [](const TaskState& x) { return is(x, FlowClass::Reactive, Stage::Prefill); })) {
    place(*t);
    return;
  }
  if (const ReadyFlow* f = first_ready(view, FlowClass::Reactive, Stage::Prefill)) {
    if (!any_open(view, d, FlowClass::Reactive, Stage::Prefill))
      d.open.push_back(
          {Stage::Prefill, {f->id}, std::min(f->tokens_left, config_.prefill_chunk_tokens)});
    return;
  }
  if (const TaskState* t = first_paused(
          view, [](const TaskState& x) { return is(x, FlowClass::Proactive, Stage::Prefill); })) {
    const auto& w = t->next_group_work[kNpu];
    if (w && fits_beside_reactive(view, EngineKind::Npu, w->pressure()))
      d.run.push_back({t->id, {{EngineKind::Npu, 1.0}}});
    return;
  }
  if (any_open(view, d, FlowClass::Proactive, Stage::Prefill)) return;
  if (const ReadyFlow* f = first_ready(view, FlowClass::Proactive, Stage::Prefill))
    d.open.push_back(
        {Stage::Prefill, {f->id}, std::min(f->tokens_left, config_.prefill_chunk_tokens)});
}

std::vector<int> AgentXpuScheduler::reactive_batch(const FlowView& view) const {
  std::vector<int> flows;
  for (const ReadyFlow& f : view.ready())
    if (f.cls == FlowClass::Reactive && f.stage == Stage::Decode &&
        static_cast<int>(flows.size()) < config_.max_decode_batch)
      flows.push_back(f.id);
  const auto base = view.predict(Stage::Decode, flows, 0, EngineKind::Igpu);
  if (!base) return flows;
  const double limit = (1.0 + config_.slack_margin) * base->standalone_ns();
  // Slack-aware piggybacking: proactive decode tokens ride along while the batch stays within
  // the reactive-only iteration time plus the margin.
  for (const ReadyFlow& f : view.ready()) {
    if (static_cast<int>(flows.size()) >= config_.max_decode_batch) break;
    if (f.cls != FlowClass::Proactive || f.stage != Stage::Decode) continue;
    flows.push_back(f.id);
    const auto t = view.predict(Stage::Decode, flows, 0, EngineKind::Igpu);
    if (!t || t->standalone_ns() > limit) {
      flows.pop_back();
      break;
    }
  }
  return flows;
}

bool AgentXpuScheduler::igpu_cap_allows(const FlowView& view, FlowDecision& d) const {
  if (config_.proactive_igpu_cap >= 1.0) return true;
  const double busy = static_cast<double>(view.proactive_igpu_busy_ns());
  if (busy <= config_.proactive_igpu_cap * static_cast<double>(view.now())) return true;
  // Ask again when the proactive share has fallen back to the cap.
  d.wake_at = std::min<TimeNs>(d.wake_at,
                               static_cast<TimeNs>(std::ceil(busy / config_.proactive_igpu_cap)));
  return false;
}

void AgentXpuScheduler::schedule_igpu(const FlowView& view, FlowDecision& d) const {
  if (view.engine_busy(EngineKind::Igpu) || claimed(d, EngineKind::Igpu)) return;
  if (const TaskState* t = first_paused(
          view, [](const TaskState& x) { return is(x, FlowClass::Reactive, Stage::Decode); })) {
    d.run.push_back({t->id, {{EngineKind::Igpu, 1.0}}});
    return;
  }
  if (first_ready(view, FlowClass::Reactive, Stage::Decode)) {
    d.open.push_back({Stage::Decode, reactive_batch(view), 0});
    return;
  }
  if (!igpu_cap_allows(view, d)) return;
  if (const TaskState* t = first_paused(view, [&d](const TaskState& x) {
        return is(x, FlowClass::Proactive, Stage::Decode) && !task_claimed(d, x.id);
      })) {
    const auto& w = t->next_group_work[kIgpu];
    if (w && fits_beside_reactive(view, EngineKind::Igpu, w->pressure()))
      d.run.push_back({t->id, {{EngineKind::Igpu, 1.0}}});
    return;
  }
  if (any_open(view, d, FlowClass::Proactive, Stage::Decode)) return;
  // Throughput-oriented batching of proactive decode.
  std::vector<int> flows;
  for (const ReadyFlow& f : view.ready())
    if (f.cls == FlowClass::Proactive && f.stage == Stage::Decode &&
        static_cast<int>(flows.size()) < config_.max_decode_batch)
      flows.push_back(f.id);
  if (!flows.empty()) d.open.push_back({Stage::Decode, std::move(flows), 0});
}

}  // namespace xpusim::policy
