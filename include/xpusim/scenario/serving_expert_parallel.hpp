#pragma once
// The serving kind's expert parallelism (`cluster.expert_parallel`, docs/moe.md "Expert
// parallelism in serving"): reading and checking its sections, and building each pool's cost
// model and each instance's expert-parallel stage from the moe kinds' routing, placement and
// cost code.
#include <memory>

#include "xpusim/hw/device_spec.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/scenario_spec.hpp"
#include "xpusim/scenario/system_kind.hpp"
#include "xpusim/systems/expert_parallel_stage.hpp"

namespace xpusim::scenario {

// With cluster.expert_parallel > 0: reads `expert_parallel:`, `routing:` and `placement:` into
// `spec` and checks them against the model and the cluster; with 0, reports those sections as
// one error. Errors go to r.ld.diag (the caller throws).
void read_expert_parallel(KindReader& r, ScenarioSpec& spec);

// One instance's expert-parallel group of `gpus` GPUs, whole nodes of
// expert_parallel.gpus_per_node.
policy::EpShape serving_ep_shape(const ScenarioSpec& spec, int gpus);

// The cost model of a group of `gpus` GPUs on `device`; the execution section's model times the
// routed experts (the loader requires one that can: make_routed_expert_timer).
std::unique_ptr<systems::MoeCostModel> make_serving_moe_cost(const ScenarioSpec& spec,
                                                             const Catalogs& catalogs,
                                                             const hw::DeviceSpec& device,
                                                             int gpus);

// Instance `index`'s stage: its own routing stream (seeded from the scenario seed and the index)
// and placement policy; `cost` and `observer` outlive it.
std::unique_ptr<systems::ExpertParallelStage> make_serving_ep_stage(
    const ScenarioSpec& spec, const Catalogs& catalogs, int index,
    const systems::MoeCostModel& cost, systems::MoeObserver& observer);

}  // namespace xpusim::scenario
