#pragma once
// The serving kind's plain sections (cluster, prefix_cache, slo, tenants), each key bound to
// the ScenarioSpec field it fills: the field's initialiser is the documented default.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/scenario/scenario_spec.hpp"

namespace xpusim::scenario {

// cluster: instance count, tensor parallelism, disaggregated pools and KV links (the router and
// migration sub-sections are selections, read separately).
const ParamBinding<ScenarioSpec>& cluster_binding();
// prefix_cache: on/off, structure, host tier (the eviction sub-section is a selection).
const ParamBinding<ScenarioSpec>& prefix_cache_binding();
// slo: the goodput SLOs.
const ParamBinding<ScenarioSpec>& slo_binding();
// tenants: weights and the service-metric prices and window.
const ParamBinding<ScenarioSpec>& tenants_binding();

}  // namespace xpusim::scenario
