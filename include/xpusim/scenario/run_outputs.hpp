#pragma once
// What every system kind's run does with its results: the resolved scenario for summary.json,
// and output files written atomically into the output directory (summary.json last, so its
// presence means the run completed).
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "xpusim/core/params.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"

namespace xpusim::scenario {

// {section: {key: value}} in the sections' order of keys (nlohmann sorts object keys).
nlohmann::json resolved_sections_json(const std::vector<std::pair<std::string, Params>>& sections);

// The fields every kind's summary.json ends with: simulated time, event count, seed and the
// resolved scenario.
void add_run_fields(nlohmann::json& summary, double simulated_s, std::uint64_t events, std::uint64_t seed,
                    const std::vector<std::pair<std::string, Params>>& resolved);

// Creates `dir` and its parents; throws xpusim::Error naming it when that fails.
void create_output_dir(const std::filesystem::path& dir);

// The resolved scenario (summary.json's "scenario": {section: {key: value}}) as a nested YAML
// scenario that loads back to the same resolved parameters: section "scenario" holds the
// top-level keys, "cluster.router" nests under cluster. Reals are written in their shortest
// round-trip form. A relative string value naming a regular file under `scenario_dir` is
// written as an absolute path (see RunOptions::scenario_dir).
// `lists` (scenario_lists()) are added where the resolved parameters have no such key.
std::string resolved_scenario_yaml(const nlohmann::json& resolved,
                                   const std::filesystem::path& scenario_dir,
                                   const std::vector<std::pair<std::string, std::string>>& lists = {});

// Every list of `root` reached through maps, as (dotted key, YAML flow text), in document order.
std::vector<std::pair<std::string, std::string>> scenario_lists(const YAML::Node& root);

// Creates options.out_dir and commits the run's outputs all or nothing
// (report::commit_together): the already-written `streamed` files, then `files` (name, text),
// with scenario.yaml (from summary.json's resolved scenario) and run.json (when
// options.run_record is set) added before summary.json; callers put summary.json last. On any
// failure the directory keeps the previous run's files and no temporary is left.
void write_outputs(const RunOptions& options,
                   const std::vector<std::pair<std::string, std::string>>& files,
                   const std::vector<report::AtomicFile*>& streamed = {});

}  // namespace xpusim::scenario
