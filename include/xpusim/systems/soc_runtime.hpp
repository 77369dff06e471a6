#pragma once
// An SoC running agent flows: CPU, iGPU and NPU engines over one shared DDR bus (asymmetric
// contention, hw::SharedDdr). Flows advance by iterations — a prefill chunk of one flow, or one
// decode step of a batch of flows — each executed as its operator-group graph (model::OpGraph),
// one group at a time; a group may be split across engines (tensor partitioning). The
// flow-scheduling policy is asked what runs next at every group boundary, turn arrival and
// requested wake-up, so preemption happens at group boundaries and never inside a group.
// A prefill group on the NPU runs padded to the NPU's static prefill shape (hw/npu_shapes.hpp).
// A flow is admitted when its KV cache (all its turns' tokens) fits the SoC's KV budget beside
// the admitted flows'; until then it queues in arrival order, and its first turn's latency counts
// from its arrival.
#include <array>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/device.hpp"
#include "xpusim/hw/shared_ddr.hpp"
#include "xpusim/hw/soc_spec.hpp"
#include "xpusim/model/model_spec.hpp"
#include "xpusim/model/op_graph.hpp"
#include "xpusim/policy/dvfs/dvfs_governor.hpp"
#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"
#include "xpusim/systems/flow_records.hpp"
#include "xpusim/workload/agent_flow.hpp"

namespace xpusim::systems {

class SocRuntime final : public EventHandler, public hw::OpListener, public policy::FlowView {
 public:
  SocRuntime(Simulator& sim, const hw::SocSpec& soc, const model::ModelSpec& model,
             policy::FlowScheduler& scheduler, std::vector<workload::AgentFlow> flows);

  void add_observer(FlowObserver& observer) { observers_.push_back(&observer); }
  // The governor asked for an engine's clock level at each dispatch to an engine with more
  // than one level; without one every engine runs at its top level.
  void set_dvfs_governor(policy::DvfsGovernor& governor) { governor_ = &governor; }
  // Busy time of `engine` at each of its levels (hw::EngineSpec::levels() order).
  const std::vector<TimeNs>& level_busy_ns(hw::EngineKind engine) const {
    return level_busy_ns_[static_cast<int>(engine)];
  }
  hw::Device& device(hw::EngineKind engine) { return *devices_[static_cast<int>(engine)]; }
  // Schedules every flow's arrival; call once before Simulator::run.
  void start();

  std::int64_t turns_completed() const { return turns_completed_; }
  std::int64_t turns_started() const { return turns_started_; }
  std::int64_t groups_run() const { return groups_run_; }
  // KV admission: the budget in bytes, the most reserved at once, flows that had to queue.
  double kv_budget_bytes() const { return kv_budget_bytes_; }
  double kv_peak_bytes() const { return kv_peak_bytes_; }
  std::int64_t flows_queued_for_kv() const { return flows_queued_for_kv_; }
  // The KV a flow reserves when admitted: every turn's prompt and output tokens.
  static double flow_kv_bytes(const model::ModelSpec& model, const workload::AgentFlow& flow);
  // The KV budget of `soc` for `model`: soc.kv_budget_bytes, or (0) the DDR the weights leave.
  static double kv_budget_bytes(const hw::SocSpec& soc, const model::ModelSpec& model);

  // policy::FlowView
  TimeNs now() const override { return sim_.now(); }
  bool engine_busy(hw::EngineKind engine) const override;
  const std::vector<policy::ReadyFlow>& ready() const override { return ready_view_; }
  const std::vector<policy::TaskState>& tasks() const override { return task_view_; }
  std::optional<hw::EngineWork> predict(policy::Stage stage, const std::vector<int>& flows,
                                        std::int64_t tokens, hw::EngineKind engine) const override;
  double contention(hw::EngineKind victim, hw::EngineKind aggressor) const override;
  TimeNs proactive_igpu_busy_ns() const override { return proactive_igpu_busy_ns_; }
  TimeNs engine_free_at(hw::EngineKind engine) const override;
  std::optional<double> rest_ns(int task, hw::EngineKind engine) const override;

  void on_event(std::uint32_t tag, std::uint64_t payload) override;
  void on_op_done(std::uint64_t cookie, TimeNs now) override;

 private:
  enum class Phase { NotArrived, Ready, InTask, Waiting, Done };
  struct FlowState {
    workload::AgentFlow spec;
    Phase phase = Phase::NotArrived;
    policy::Stage stage = policy::Stage::Prefill;
    int turn = 0;
    std::int64_t prompt_left = 0;
    std::int64_t output_left = 0;
    std::int64_t context = 0;  // tokens in its KV cache
    TimeNs turn_ready_ns = 0;
    TimeNs first_token_ns = 0;
  };
  struct Task {
    int id = 0;
    policy::Stage stage = policy::Stage::Prefill;
    std::vector<int> flows;
    std::int64_t prefill_tokens = 0;
    workload::FlowClass cls = workload::FlowClass::Proactive;
    TimeNs turn_ready_ns = 0;
    TimeNs opened_ns = 0;
    std::int64_t prompt_tokens = 0;      // prefill: the turn's whole prompt
    std::int64_t prompt_done_after = 0;  // prefill: tokens done once this chunk finishes
    std::vector<model::OpGroup> groups;
    // Prefill: the groups of the chunk padded to the NPU's static shape (empty when no padding),
    // and whether any compiled shape holds the chunk.
    std::vector<model::OpGroup> npu_groups;
    bool npu_shape_fits = true;
    int next = 0;
    bool running = false;
    int parts_left = 0;
    std::array<bool, hw::kEngineKinds> on{};
    TimeNs group_start_ns = 0;
  };

  model::BatchShape shape_of(policy::Stage stage, const std::vector<int>& flows,
                             std::int64_t tokens) const;
  void decide();
  void refresh_view();
  // The task's next group on `engine` alone (or a share of it); nullopt = cannot run it there.
  std::optional<hw::EngineWork> group_work(const Task& t, hw::EngineKind engine,
                                           double share = 1.0) const;
  // Group `group` of the task on `engine` at relative clock `clock`.
  std::optional<hw::EngineWork> group_work_at(const Task& t, int group, hw::EngineKind engine,
                                              double share, double clock) const;
  // The clock level the governor picks for the task's next group on `engine`.
  int choose_level(const Task& t, hw::EngineKind engine, double share) const;
  void arrive(int flow);
  void admit_queued();
  void open(const policy::OpenTask& o);
  void run(const policy::RunGroup& r);
  void finish_group(Task& task);
  void finish_iteration(Task& task);
  void emit_tokens(const FlowState& f, std::int64_t n);
  void turn_ready(FlowState& f, TimeNs ready_ns);
  void turn_done(FlowState& f);

  Simulator& sim_;
  hw::SocSpec soc_;
  model::ModelSpec model_;
  policy::FlowScheduler& scheduler_;
  hw::SharedDdr ddr_;
  std::array<std::unique_ptr<hw::Device>, hw::kEngineKinds> devices_;
  std::vector<FlowState> flows_;
  std::vector<int> active_;    // flows that have arrived and are not done (the view walks these)
  std::map<int, Task> tasks_;  // by id: deterministic order
  std::array<int, hw::kEngineKinds> engine_task_{-1, -1, -1};
  policy::DvfsGovernor* governor_ = nullptr;
  std::array<int, hw::kEngineKinds> engine_level_{};        // level of the group in flight
  std::array<TimeNs, hw::kEngineKinds> engine_since_{};     // when it started
  std::array<std::vector<TimeNs>, hw::kEngineKinds> level_busy_ns_;
  std::vector<FlowObserver*> observers_;
  std::vector<policy::ReadyFlow> ready_view_;
  std::vector<policy::TaskState> task_view_;
  EventId wake_event_;
  TimeNs wake_at_ = kTimeNever;
  int next_task_id_ = 0;
  bool deciding_ = false;
  bool again_ = false;
  TimeNs proactive_igpu_busy_ns_ = 0;
  std::int64_t turns_completed_ = 0;
  std::int64_t turns_started_ = 0;
  std::int64_t groups_run_ = 0;
  double kv_budget_bytes_ = 0;
  double kv_reserved_bytes_ = 0;
  double kv_peak_bytes_ = 0;
  std::deque<int> kv_queue_;  // flows waiting for KV budget, in arrival order
  std::int64_t flows_queued_for_kv_ = 0;
};

}  // namespace xpusim::systems
