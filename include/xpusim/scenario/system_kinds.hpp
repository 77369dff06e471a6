#pragma once
// The kinds of simulated system a scenario may describe, chosen by the top-level key
// `system:` (default `serving`): the one table of kinds (system_kind.hpp says what a kind
// declares). Each kind's module (serving_kind.cpp, soc_scenario.cpp, moe_scenario.cpp,
// moe_offload_scenario.cpp, ina_scenario.cpp) provides its entry.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"
#include "xpusim/scenario/system_kind.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

// The modules, one per kind.
SystemKind serving_kind();
SystemKind ina_kind();
SystemKind soc_kind();
SystemKind moe_kind();
SystemKind moe_offload_kind();

// Every kind, in the order `list` shows them.
const std::vector<SystemKind>& system_kinds();
const SystemKind* find_system_kind(const std::string& name);

// Parses `path`, applies `--set` overrides, dispatches on `system:`. Throws ScenarioError.
std::unique_ptr<LoadedScenario> load_any_scenario(const std::filesystem::path& path,
                                                  const std::vector<std::string>& overrides,
                                                  const Catalogs& catalogs);

// The document load_any_scenario reads: `path` parsed, the overrides ("KEY=VALUE", "~KEY")
// applied, section presets merged (section_presets.hpp). Errors go to `diag`.
YamlDocument prepared_document(const std::filesystem::path& path,
                               const std::vector<std::string>& overrides, Diagnostics& diag);

// The same from an already-parsed document (fuzzing, tests).
std::unique_ptr<LoadedScenario> load_any_scenario(const YamlDocument& doc, Diagnostics& diag,
                                                  const Catalogs& catalogs);

}  // namespace xpusim::scenario
