#pragma once
// The serving kind's loader: YAML file + `--set` overrides -> validated ScenarioSpec. Every
// problem is collected and reported together (ScenarioError), each naming file, line, key and
// what was expected. The kind's sections are declared in serving_kind() (system_kinds.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/scenario_spec.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/scenario/system_kind.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

ScenarioSpec load_scenario(const std::filesystem::path& path,
                           const std::vector<std::string>& overrides, const Catalogs& catalogs);

// The serving kind's sections, read through its KindReader.
ScenarioSpec load_serving_spec(KindReader& reader);

}  // namespace xpusim::scenario
