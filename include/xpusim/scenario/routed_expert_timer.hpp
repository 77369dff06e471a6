#pragma once
// The execution model that times a serving pool's routed experts when expert parallelism or
// expert offload takes them out of the iteration (docs/execution-model.md, "Routed experts").
#include <memory>

#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/scenario_spec.hpp"

namespace xpusim::scenario {

// The execution section's model on one `device` (a routed expert runs on one GPU: no tensor
// parallelism), or null when that model cannot be built for the scenario's model or answers
// that it cannot time routed experts (ExecutionModel::routed_expert_seconds).
std::shared_ptr<const model::ExecutionModel> make_routed_expert_timer(const ScenarioSpec& spec,
                                                                      const Catalogs& catalogs,
                                                                      const hw::DeviceSpec& device);

}  // namespace xpusim::scenario
