#pragma once
// Builds the simulated system a scenario describes, runs it, and writes its outputs.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"
#include "xpusim/scenario/scenario_spec.hpp"

namespace xpusim::scenario {

// Throws xpusim::Error for problems found while building or running (e.g. a model that does not
// fit, a malformed trace row). Output files appear only when the run completed: each is written
// to a temporary name and renamed at the end.
RunResult run_scenario(const ScenarioSpec& spec, const Catalogs& catalogs,
                       const RunOptions& options);

}  // namespace xpusim::scenario
