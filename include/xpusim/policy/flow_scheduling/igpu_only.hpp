#pragma once
// Industrial baseline (llama.cpp / IPEX-LLM style): everything on the iGPU, one turn at a time
// in arrival order (FCFS), no batching across flows, no preemption.
#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"

namespace xpusim::policy {

class IgpuOnlyScheduler final : public FlowScheduler {
 public:
  FlowDecision decide(const FlowView& view) override;
};

}  // namespace xpusim::policy
