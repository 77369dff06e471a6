#pragma once
// The `ina` system kind: distributed-training jobs all-reducing their gradients through a
// programmable switch's aggregator memory (in-network aggregation), shared by a switch-memory
// policy. Sections: switch, switch_memory, workload, metrics (docs/ina.md).
#include <memory>

#include "xpusim/core/params.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

// The `metrics` section of an ina scenario.
ParamSchema ina_metrics_schema();

}  // namespace xpusim::scenario
