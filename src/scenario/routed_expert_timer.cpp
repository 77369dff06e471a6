#include "xpusim/scenario/routed_expert_timer.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/core/params.hpp"

namespace xpusim::scenario {

std::shared_ptr<const model::ExecutionModel> make_routed_expert_timer(
    const ScenarioSpec& spec, const Catalogs& catalogs, const hw::DeviceSpec& device) {
  std::shared_ptr<const model::ExecutionModel> timer;
  try {
    timer = catalogs.execution.find(spec.execution.name)
                ->make(spec.execution.params, spec.model, model::Placement{device, 1, 0, 0},
                       spec.path.parent_path());
  } catch (const Error&) {
    return nullptr;  // e.g. a profile table, which refuses MoE models
  } catch (const ParamError&) {
    return nullptr;  // the execution section's own check reports it
  }
  if (!timer->routed_expert_seconds(1, 1, false)) return nullptr;
  return timer;
}

}  // namespace xpusim::scenario
