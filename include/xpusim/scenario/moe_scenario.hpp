#pragma once
// The `system: moe` kind: an MoE model's layers under expert parallelism, in training steps or
// serving iterations, with an expert-placement policy (docs/moe.md).
#include <memory>

#include "xpusim/core/params.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

// The sections' schemas, as the kind's table (system_kinds.hpp) declares them.
ParamSchema moe_cluster_schema();
ParamSchema moe_run_schema();
ParamSchema moe_routing_schema();

}  // namespace xpusim::scenario
