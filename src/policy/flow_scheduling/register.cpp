// The registry lines of the flow-scheduling family: one per policy, by the name the YAML uses.
#include "xpusim/policy/flow_scheduling/agent_xpu.hpp"
#include "xpusim/policy/flow_scheduling/igpu_continuous.hpp"
#include "xpusim/policy/flow_scheduling/igpu_only.hpp"
#include "xpusim/policy/flow_scheduling/static_partition.hpp"

namespace xpusim::policy {

void register_flow_schedulers(FlowSchedulingCatalog& c) {
  c.add("igpu_only",
        "everything on the iGPU, one turn at a time in arrival order (industrial baseline)",
        ParamSchema{}, [](const Params&) { return std::make_unique<IgpuOnlyScheduler>(); });
  c.add("igpu_continuous",
        "everything on the iGPU with continuous batching: class-blind FCFS slots, chunked "
        "prefill alternating with batched decode, no NPU, no preemption (Agent.xpu's strongest "
        "iGPU-only baseline)",
        IgpuContinuousScheduler::binding(), [](IgpuContinuousConfig cfg) {
          return std::make_unique<IgpuContinuousScheduler>(cfg);
        });
  c.add("static_partition",
        "every operator group split between NPU and iGPU by a fixed ratio; one turn at a time, "
        "no flow awareness",
        StaticPartitionScheduler::binding(), [](StaticPartitionScheduler::Config cfg) {
          return std::make_unique<StaticPartitionScheduler>(cfg.npu_share);
        });
  c.add("agent_xpu",
        "Agent.xpu: prefill on the NPU, decode on the iGPU, reactive preempts proactive at "
        "operator-group boundaries, slack-aware piggybacking and backfill, optional iGPU cap, "
        "optional CPU for small proactive decode and overflow",
        AgentXpuScheduler::binding(), [](AgentXpuConfig cfg) {
          return std::make_unique<AgentXpuScheduler>(cfg);
        });
}

}  // namespace xpusim::policy
