#pragma once
// The kinds of simulated system a scenario may describe, chosen by the top-level key
// `system:` (default `serving`). Each kind has its own loader, which reads the rest of the
// document; this is the one place that lists them all.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

struct SystemKind {
  std::string name;
  std::string description;
  // Reads and validates the whole document (reporting every problem to the Diagnostics and
  // throwing ScenarioError at the end when any was found).
  std::function<std::unique_ptr<LoadedScenario>(const YamlDocument&, Diagnostics&, const Catalogs&)> load;
};

const std::vector<SystemKind>& system_kinds();

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
