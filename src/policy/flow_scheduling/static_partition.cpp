#include "xpusim/policy/flow_scheduling/static_partition.hpp"

namespace xpusim::policy {

const ParamBinding<StaticPartitionScheduler::Config>& StaticPartitionScheduler::binding() {
  static const auto b = ParamBinding<Config>().real(
      XPUSIM_KEY(Config, npu_share), "",
      "fraction of every operator group run on the NPU; 0 = per group, the split that "
      "balances NPU and iGPU standalone times (the best static partition)",
      {.min = 0, .max = 1, .min_exclusive = false});
  return b;
}

double StaticPartitionScheduler::npu_share_of(const EngineTimes& work) const {
  const auto& npu = work[static_cast<int>(hw::EngineKind::Npu)];
  const auto& igpu = work[static_cast<int>(hw::EngineKind::Igpu)];
  if (!npu) return 0.0;
  if (!igpu) return 1.0;
  if (npu_share_ > 0) return npu_share_;
  // Finish together: share_npu * t_npu = (1 - share_npu) * t_igpu.
  const double tn = npu->standalone_ns(), ti = igpu->standalone_ns();
  return tn + ti > 0 ? ti / (tn + ti) : 0.5;
}

FlowDecision StaticPartitionScheduler::decide(const FlowView& view) {
  FlowDecision d;
  if (view.engine_busy(hw::EngineKind::Igpu) || view.engine_busy(hw::EngineKind::Npu)) return d;
  if (const TaskState* t = first_paused(view, [](const TaskState&) { return true; })) {
    const double share = npu_share_of(t->next_group_work);
    RunGroup r{t->id, {}};
    if (share > 0) r.parts.push_back({hw::EngineKind::Npu, share});
    if (share < 1) r.parts.push_back({hw::EngineKind::Igpu, 1.0 - share});
    d.run.push_back(std::move(r));
    return d;
  }
  for (const TaskState& t : view.tasks())
    if (t.running) return d;
  if (view.ready().empty()) return d;
  const ReadyFlow& f = view.ready().front();
  d.open.push_back({f.stage, {f.id}, f.stage == Stage::Prefill ? f.tokens_left : 0});
  return d;
}

}  // namespace xpusim::policy
