#pragma once
// Test helpers: run a scenario file with --set overrides in-process, or load it and return the
// load error's text ("" when it loads).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::scenario::testing {

// The run's summary.json as JSON.
inline nlohmann::json run_summary(const std::string& path, const std::vector<std::string>& sets) {
  const Catalogs catalogs = build_catalogs();
  return load_any_scenario(path, sets, catalogs)->run(RunOptions{}).summary;
}

// The message of the error that loading throws; "" when the scenario loads.
inline std::string load_error(const std::string& path, const std::vector<std::string>& sets) {
  const Catalogs catalogs = build_catalogs();
  try {
    load_any_scenario(path, sets, catalogs);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace xpusim::scenario::testing
