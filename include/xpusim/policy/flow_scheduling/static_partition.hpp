#pragma once
// Baseline: NPU-iGPU static inference with tensor partitioning. Every operator group is split
// between the NPU and the iGPU by a fixed ratio (or, with npu_share = 0, by the ratio that
// balances their standalone times, the best static split); groups the NPU cannot run go whole
// to the iGPU. One turn at a time in arrival order: no flow awareness, no preemption.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"

namespace xpusim::policy {

class StaticPartitionScheduler final : public FlowScheduler {
 public:
  struct Config {
    double npu_share = 0;  // 0 = per group, the split that balances standalone times
  };
  explicit StaticPartitionScheduler(double npu_share) : npu_share_(npu_share) {}
  static const ParamBinding<Config>& binding();
  FlowDecision decide(const FlowView& view) override;
  // The NPU's share of a group (0 when it cannot run it).
  double npu_share_of(const EngineTimes& work) const;

 private:
  double npu_share_;
};

}  // namespace xpusim::policy
