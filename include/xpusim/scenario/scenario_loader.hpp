#pragma once
// YAML file + `--set` overrides -> validated ScenarioSpec. Every problem is collected and
// reported together (ScenarioError), each naming file, line, key and what was expected.
#include <filesystem>
#include <string>
#include <vector>

#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/scenario_spec.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

ScenarioSpec load_scenario(const std::filesystem::path& path,
                           const std::vector<std::string>& overrides, const Catalogs& catalogs);

// The serving kind's loader over an already-parsed document (see system_kinds.hpp).
ScenarioSpec load_serving_spec(const YamlDocument& doc, Diagnostics& diag, const Catalogs& catalogs);

// The top-level keys and the fixed sections' schemas, for `xpusim list` and docs.
ParamSchema top_level_schema();
ParamSchema cluster_schema();
ParamSchema slo_schema();
ParamSchema tenants_schema();
ParamSchema prefix_cache_schema();

}  // namespace xpusim::scenario
