#pragma once
// Flow-scheduling family: "which operator group runs next on the SoC's idle engines?"
// The SoC runtime executes iterations (a prefill chunk, or a decode step of a batch) one operator
// group at a time and asks the policy at every group boundary, every arrival and every wake-up,
// so a policy preempts simply by picking other work at a boundary.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "xpusim/core/catalog.hpp"
#include "xpusim/core/time.hpp"
#include "xpusim/hw/shared_ddr.hpp"
#include "xpusim/hw/soc_spec.hpp"
#include "xpusim/workload/agent_flow.hpp"

namespace xpusim::policy {

using workload::FlowClass;
enum class Stage { Prefill = 0, Decode = 1 };
const char* stage_name(Stage s);

// A flow waiting for its next iteration (it is in no open iteration).
struct ReadyFlow {
  int id = 0;
  FlowClass cls = FlowClass::Reactive;
  Stage stage = Stage::Prefill;
  std::int64_t tokens_left = 0;  // prompt tokens left to prefill, or output tokens left to decode
  TimeNs turn_ready_ns = 0;      // when its current turn's prompt arrived (FCFS order)
};

using EngineTimes = std::array<std::optional<hw::EngineWork>, hw::kEngineKinds>;

// An open iteration: started (or just opened) and paused at a group boundary, or running one.
struct TaskState {
  int id = 0;
  FlowClass cls = FlowClass::Proactive;  // reactive when any member is
  Stage stage = Stage::Prefill;
  int members = 0;
  int next_group = 0;
  int groups = 0;
  bool running = false;
  TimeNs turn_ready_ns = 0;  // earliest member's turn arrival
  // The next group (the one in flight while running) alone on each engine; nullopt = cannot.
  EngineTimes next_group_work;
  std::array<bool, hw::kEngineKinds> running_on{};  // engines its group in flight occupies
};

// What a flow-scheduling policy may look at. ready() is ordered by (turn_ready_ns, id), tasks()
// by id.
class FlowView {
 public:
  virtual ~FlowView() = default;
  virtual TimeNs now() const = 0;
  virtual bool engine_busy(hw::EngineKind engine) const = 0;
  virtual const std::vector<ReadyFlow>& ready() const = 0;
  virtual const std::vector<TaskState>& tasks() const = 0;
  // One whole iteration of `flows` alone on `engine` (prefill: `tokens` of the single flow's
  // prompt); nullopt when the engine cannot run every group of it. Work summed over groups.
  virtual std::optional<hw::EngineWork> predict(Stage stage, const std::vector<int>& flows,
                                                std::int64_t tokens,
                                                hw::EngineKind engine) const = 0;
  // The SoC's DDR contention factor slowdown[victim][aggressor] (see hw::SharedDdr).
  virtual double contention(hw::EngineKind victim, hw::EngineKind aggressor) const = 0;
  // iGPU time spent on groups of proactive-only iterations so far.
  virtual TimeNs proactive_igpu_busy_ns() const = 0;
  // Predicted end of the group in flight on `engine` at the current DDR contention (now() when
  // the engine is idle).
  virtual TimeNs engine_free_at(hw::EngineKind engine) const = 0;
  // Standalone time of task `task`'s groups after its next one (the one in flight while it
  // runs) on `engine`, summed; nullopt when the engine cannot run one of them or the task is
  // unknown. 0 when the next group is its last.
  virtual std::optional<double> rest_ns(int task, hw::EngineKind engine) const = 0;
};

// Open a new iteration (paused before its first group; the runtime asks again at once).
struct OpenTask {
  Stage stage = Stage::Prefill;
  std::vector<int> flows;           // prefill: exactly one flow
  std::int64_t prefill_tokens = 0;  // prefill: chunk length, 1..tokens_left
};

struct EnginePart {
  hw::EngineKind engine = hw::EngineKind::Igpu;
  double share = 1.0;  // fraction of the group this engine runs (tensor partitioning)
};

// Run a paused task's next group on idle engines; shares sum to 1.
struct RunGroup {
  int task = 0;
  std::vector<EnginePart> parts;
};

struct FlowDecision {
  std::vector<OpenTask> open;
  std::vector<RunGroup> run;
  TimeNs wake_at = kTimeNever;  // ask again then even if nothing changes (e.g. an iGPU cap)
};

class FlowScheduler {
 public:
  virtual ~FlowScheduler() = default;
  virtual FlowDecision decide(const FlowView& view) = 0;
};

using FlowSchedulingCatalog = Catalog<FlowScheduler>;

void register_flow_schedulers(FlowSchedulingCatalog& catalog);

// Helpers shared by the policies.
// The paused task a policy continues first among those matching `pred`: earliest turn, then id.
template <typename Pred>
const TaskState* first_paused(const FlowView& view, Pred pred) {
  const TaskState* best = nullptr;
  for (const TaskState& t : view.tasks()) {
    if (t.running || !pred(t)) continue;
    if (!best || t.turn_ready_ns < best->turn_ready_ns) best = &t;
  }
  return best;
}
// Whether the decision already dispatches to `engine`, or runs task `task`.
bool engine_claimed(const FlowDecision& d, hw::EngineKind engine);
bool task_claimed(const FlowDecision& d, int task);
// How much longer `victim` takes while `aggressor_pressure` of memory-bound work runs on another
// engine whose contention factor on the victim is `factor` (>= 1; see hw::SharedDdr).
double contention_stretch(const hw::EngineWork& victim, double factor, double aggressor_pressure);

}  // namespace xpusim::policy
