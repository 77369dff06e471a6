#pragma once
// The serving kind's expert offload (the `offload:` section, docs/moe.md "Offload in serving"):
// reading and checking `offload:`, `cache:`, `cpu:` and `routing:` as the moe_offload kind has
// them, and building each pool's cost models and each instance's ExpertOffloadStage from the
// moe_offload kind's routing, policy and layer code.
#include <memory>
#include <utility>

#include "xpusim/hw/device_spec.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/scenario_spec.hpp"
#include "xpusim/scenario/system_kind.hpp"
#include "xpusim/systems/expert_offload_stage.hpp"

namespace xpusim::scenario {

// With an `offload:` section: reads it, `cache:`, `cpu:` and `routing:` into `spec` and refuses
// what is not modelled (a dense model, expert parallelism, tensor parallelism, another
// execution model than roofline, layered prefill). Without it, reports `cache:`/`cpu:` as one
// error. Errors go to r.ld.diag (the caller throws).
void read_expert_offload(KindReader& r, ScenarioSpec& spec);

// A pool's offload cost models on `device`: decode and prefill GEMM efficiencies; the
// execution section's model times the GPU's expert GEMMs (make_routed_expert_timer).
struct OffloadCosts {
  std::unique_ptr<systems::OffloadCostModel> decode, prefill;
};
OffloadCosts make_serving_offload_costs(const ScenarioSpec& spec, const Catalogs& catalogs,
                                        const hw::DeviceSpec& device);

// Instance `index`'s stage: its own routing stream (seeded from the scenario seed and the index)
// and offload policy; `costs` and `observer` outlive it.
std::unique_ptr<systems::ExpertOffloadStage> make_serving_offload_stage(
    const ScenarioSpec& spec, const Catalogs& catalogs, int index, const OffloadCosts& costs,
    systems::OffloadObserver& observer);

}  // namespace xpusim::scenario
