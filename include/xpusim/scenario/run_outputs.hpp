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

#include "xpusim/core/params.hpp"

namespace xpusim::scenario {

// {section: {key: value}} in the sections' order of keys (nlohmann sorts object keys).
nlohmann::json resolved_sections_json(const std::vector<std::pair<std::string, Params>>& sections);

// The fields every kind's summary.json ends with: simulated time, event count, seed and the
// resolved scenario.
void add_run_fields(nlohmann::json& summary, double simulated_s, std::uint64_t events, std::uint64_t seed,
                    const std::vector<std::pair<std::string, Params>>& resolved);

// Creates `dir` and its parents; throws xpusim::Error naming it when that fails.
void create_output_dir(const std::filesystem::path& dir);

// Creates `dir` and writes `files` (name, text), each to a temporary name renamed into place,
// in order; callers put summary.json last.
void write_outputs(const std::filesystem::path& dir,
                   const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace xpusim::scenario
