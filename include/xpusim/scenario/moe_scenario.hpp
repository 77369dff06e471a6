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

std::unique_ptr<LoadedScenario> load_moe_scenario(const YamlDocument& doc, Diagnostics& diag,
                                                  const Catalogs& catalogs);

// The fixed sections' schemas, for `xpusim list` and docs.
ParamSchema moe_cluster_schema();
ParamSchema moe_run_schema();
ParamSchema moe_routing_schema();

}  // namespace xpusim::scenario
