#pragma once
// The `system: moe_offload` kind: MoE inference on one GPU whose experts live in host memory
// behind a per-layer GPU expert cache, with an expert-offload policy (docs/moe.md).
#include <memory>

#include "xpusim/core/params.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

// The sections' schemas, as the kind's table (system_kinds.hpp) declares them.
ParamSchema offload_run_schema();
ParamSchema offload_cache_schema();
ParamSchema offload_cpu_schema();

}  // namespace xpusim::scenario
