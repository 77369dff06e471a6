#pragma once
// Agent.xpu (arXiv 2506.24045), structural reconstruction (refs A.2; thresholds are modelling
// choices, docs/soc.md): prefill chunks bound to the NPU and decode to the iGPU (stage
// elasticity; a group the preferred engine cannot run goes to the other); reactive work first on
// every engine, so a reactive arrival preempts proactive work at the next operator-group
// boundary; proactive decode tokens piggybacked into reactive decode batches while the batch
// stays within the slack margin; proactive work backfilled beside reactive work only when the
// predicted DDR-contention stretch of the reactive group stays within the slack margin;
// proactive decode otherwise batched for throughput; optional cap on the iGPU time proactive
// work may use. Optionally (issue 18; off by default) the CPU runs proactive work: small
// proactive decode iterations, and proactive work overflowing busy accelerators
// (agent_xpu_cpu.cpp, docs/soc.md "The CPU as an engine").
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"

namespace xpusim::policy {

struct AgentXpuConfig {
  std::int64_t prefill_chunk_tokens = 256;
  double slack_margin = 0.25;
  int max_decode_batch = 8;
  double proactive_igpu_cap = 1.0;  // fraction of elapsed time; 1 = no cap
  int cpu_small_flows = 0;          // proactive decode of at most this many flows on the CPU; 0 off
  bool cpu_overflow = false;        // proactive work overflows busy NPU/iGPU onto the CPU
};

class AgentXpuScheduler final : public FlowScheduler {
 public:
  explicit AgentXpuScheduler(AgentXpuConfig config) : config_(config) {}
  static const ParamBinding<AgentXpuConfig>& binding();
  FlowDecision decide(const FlowView& view) override;

 private:
  void schedule_npu(const FlowView& view, FlowDecision& out) const;
  void schedule_igpu(const FlowView& view, FlowDecision& out) const;
  // Open decode batch: the reactive decode-ready flows plus proactive ones within the slack.
  std::vector<int> reactive_batch(const FlowView& view) const;
  // May proactive work of `pressure` start on `engine` beside the running reactive work?
  bool fits_beside_reactive(const FlowView& view, hw::EngineKind engine, double pressure) const;
  bool igpu_cap_allows(const FlowView& view, FlowDecision& out) const;
  // The CPU steps (agent_xpu_cpu.cpp). Small operators: a proactive decode iteration of at most
  // cpu_small_flows flows runs on the idle CPU when the CPU is predicted no slower than the
  // iGPU for it, or the iGPU is busy, or reactive work is waiting for it (the iGPU is kept
  // free). Runs before the iGPU step.
  void schedule_cpu_small(const FlowView& view, FlowDecision& out) const;
  // Overflow: proactive work whose preferred engine (NPU for prefill, iGPU for decode) is busy
  // runs on the idle CPU when its predicted finish there is earlier than after waiting for the
  // preferred engine's iteration in flight. Runs last.
  void schedule_cpu_overflow(const FlowView& view, FlowDecision& out) const;
  // Predicted finish of `work_ns` more work on `engine` after the iteration it runs (or was
  // just given) ends.
  double finish_after_wait(const FlowView& view, const FlowDecision& d, hw::EngineKind engine,
                           double work_ns) const;
  bool overflow_wins(const FlowView& view, const FlowDecision& d, const TaskState& t) const;
  void open_for_overflow(const FlowView& view, FlowDecision& out) const;

  AgentXpuConfig config_;
};

}  // namespace xpusim::policy
