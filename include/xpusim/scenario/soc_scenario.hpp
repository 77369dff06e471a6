#pragma once
// `system: soc` — agent flows on one heterogeneous SoC (CPU + iGPU + NPU over shared DDR).
// Sections: soc (preset from configs/hardware/), model, flow_scheduling (policy), workload
// (agent flows). See docs/soc.md.
#include <memory>

#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

std::unique_ptr<LoadedScenario> load_soc_scenario(const YamlDocument& doc, Diagnostics& diag,
                                                  const Catalogs& catalogs);

}  // namespace xpusim::scenario
