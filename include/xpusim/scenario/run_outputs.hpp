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
#include "xpusim/report/atomic_file.hpp"

namespace xpusim::scenario {

// {section: {key: value}} in the sections' order of keys (nlohmann sorts object keys).
nlohmann::json resolved_sections_json(const std::vector<std::pair<std::string, Params>>& sections);

// The fields every kind's summary.json ends with: simulated time, event count, seed and the
// resolved scenario.
void add_run_fields(nlohmann::json& summary, double simulated_s, std::uint64_t events, std::uint64_t seed,
                    const std::vector<std::pair<std::string, Params>>& resolved);

// Creates `dir` and its parents; throws xpusim::Error naming it when that fails.
void create_output_dir(const std::filesystem::path& dir);

// Creates `dir` and commits the run's outputs all or nothing (report::commit_together): the
// already-written `streamed` files, then `files` (name, text); callers put summary.json last.
// On any failure the directory keeps the previous run's files and no temporary is left.
void write_outputs(const std::filesystem::path& dir,
                   const std::vector<std::pair<std::string, std::string>>& files,
                   const std::vector<report::AtomicFile*>& streamed = {});

}  // namespace xpusim::scenario
