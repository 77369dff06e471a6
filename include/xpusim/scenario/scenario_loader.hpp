#pragma once
// YAML file + `--set` overrides -> validated ScenarioSpec. Every problem is collected and
// reported together (ScenarioError), each naming file, line, key and what was expected.
#include <filesystem>
#include <string>
#include <vector>

#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/scenario_spec.hpp"

namespace xpusim::scenario {

ScenarioSpec load_scenario(const std::filesystem::path& path,
                           const std::vector<std::string>& overrides, const Catalogs& catalogs);

// The top-level keys and the fixed sections' schemas, for `xpusim list` and docs.
ParamSchema top_level_schema();
ParamSchema cluster_schema();
ParamSchema slo_schema();

// Directories searched for `preset: NAME` (in order): $XPUSIM_PRESET_PATH entries, the
// scenario's directory, its parent, its parent's configs/, and the source tree's configs/.
std::vector<std::filesystem::path> preset_roots(const std::filesystem::path& scenario_path);

}  // namespace xpusim::scenario
