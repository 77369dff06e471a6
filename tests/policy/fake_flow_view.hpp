#pragma once
// A hand-made SoC state for flow-scheduling policy tests.
#include <algorithm>
#include <map>

#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"

namespace xpusim::policy::testing {

inline hw::EngineWork memory_bound(double ms) {
  return {.compute_ns = 0, .memory_ns = ms * 1e6, .fixed_ns = 0};
}
inline hw::EngineWork compute_bound(double ms, double memory_share) {
  return {.compute_ns = ms * 1e6, .memory_ns = memory_share * ms * 1e6, .fixed_ns = 0};
}

class FakeFlowView final : public FlowView {
 public:
  TimeNs now_ns = 0;
  std::array<bool, hw::kEngineKinds> busy{};
  std::vector<ReadyFlow> ready_flows;
  std::vector<TaskState> task_list;
  // Decode iteration on the iGPU: base_ms for one flow plus per_flow_ms for each further flow.
  double decode_base_ms = 40, decode_per_flow_ms = 2;
  double npu_by_igpu = 1.6, igpu_by_npu = 1.25;
  TimeNs proactive_igpu_ns = 0;
  // Predicted end of the group in flight per engine (0 = now); a CPU decode iteration takes
  // cpu_decode_ms (nullopt = predict() answers nullopt for the CPU's decode).
  std::array<TimeNs, hw::kEngineKinds> free_at{};
  std::optional<double> cpu_decode_ms;
  double cpu_by_igpu = 1.0, igpu_by_cpu = 1.0, npu_by_cpu = 1.0;

  TimeNs now() const override { return now_ns; }
  bool engine_busy(hw::EngineKind e) const override { return busy[static_cast<int>(e)]; }
  const std::vector<ReadyFlow>& ready() const override { return ready_flows; }
  const std::vector<TaskState>& tasks() const override { return task_list; }
  std::optional<hw::EngineWork> predict(Stage stage, const std::vector<int>& flows,
                                        std::int64_t tokens, hw::EngineKind engine) const override {
    if (stage == Stage::Decode) {
      if (engine == hw::EngineKind::Npu) return std::nullopt;
      if (engine == hw::EngineKind::Cpu)
        return cpu_decode_ms ? std::optional(memory_bound(*cpu_decode_ms)) : std::nullopt;
      return memory_bound(decode_base_ms + decode_per_flow_ms * (double(flows.size()) - 1));
    }
    return compute_bound(0.5 * double(tokens), 0.1);
  }
  double contention(hw::EngineKind victim, hw::EngineKind aggressor) const override {
    if (victim == hw::EngineKind::Npu && aggressor == hw::EngineKind::Igpu) return npu_by_igpu;
    if (victim == hw::EngineKind::Igpu && aggressor == hw::EngineKind::Npu) return igpu_by_npu;
    if (victim == hw::EngineKind::Cpu && aggressor == hw::EngineKind::Igpu) return cpu_by_igpu;
    if (victim == hw::EngineKind::Igpu && aggressor == hw::EngineKind::Cpu) return igpu_by_cpu;
    if (victim == hw::EngineKind::Npu && aggressor == hw::EngineKind::Cpu) return npu_by_cpu;
    return 1.0;
  }
  TimeNs proactive_igpu_busy_ns() const override { return proactive_igpu_ns; }
  TimeNs engine_free_at(hw::EngineKind e) const override {
    return std::max(now_ns, free_at[static_cast<int>(e)]);
  }
  // Every later group of a task takes as long as its next one on that engine.
  std::optional<double> rest_ns(int task, hw::EngineKind e) const override {
    for (const TaskState& t : task_list)
      if (t.id == task) {
        const auto& w = t.next_group_work[static_cast<int>(e)];
        if (!w) return std::nullopt;
        return (t.groups - t.next_group - 1) * w->standalone_ns();
      }
    return std::nullopt;
  }

  ReadyFlow& add_ready(int id, FlowClass cls, Stage stage, std::int64_t tokens,
                       TimeNs turn_ready = 0) {
    ready_flows.push_back({id, cls, stage, tokens, turn_ready});
    return ready_flows.back();
  }
  // A task paused (or running) at `next_group`, whose group takes these times per engine.
  TaskState& add_task(int id, FlowClass cls, Stage stage, std::optional<hw::EngineWork> npu,
                      std::optional<hw::EngineWork> igpu, int next_group = 5) {
    TaskState t;
    t.id = id;
    t.cls = cls;
    t.stage = stage;
    t.members = 1;
    t.next_group = next_group;
    t.groups = 65;
    t.next_group_work[static_cast<int>(hw::EngineKind::Npu)] = npu;
    t.next_group_work[static_cast<int>(hw::EngineKind::Igpu)] = igpu;
    t.next_group_work[static_cast<int>(hw::EngineKind::Cpu)] = igpu;
    task_list.push_back(t);
    return task_list.back();
  }
};

}  // namespace xpusim::policy::testing
