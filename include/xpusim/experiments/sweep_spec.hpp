#pragma once
// A sweep: one base scenario run at many points (a grid over dotted keys and seeds, and/or an
// explicit list), each point being the base plus `--set` overrides. This file parses the sweep
// YAML and expands it into its points; running them is the command line's business.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xpusim/scenario/diagnostics.hpp"

namespace xpusim::experiments {

// One scenario run of a sweep.
struct SweepPoint {
  std::size_t index = 0;  // position in the expanded list; shards and result rows follow it
  std::string id;         // directory name: readable slug + hash of everything that sets it
  // (dotted key, value as YAML text) in column order; only the keys this point sets.
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::uint64_t> seed;  // set when the sweep lists seeds
  // The `--set` assignments that make this point: the sweep's `set:` (and command-line
  // overrides), then its parameters, then its seed.
  std::vector<std::string> overrides;
};

struct SweepSpec {
  std::filesystem::path file;                 // the sweep YAML
  std::filesystem::path base;                 // the base scenario, resolved against `file`
  std::vector<std::string> param_keys;        // every point parameter, in column order
  std::vector<std::string> common_overrides;  // applied to every point, before its own
  std::vector<SweepPoint> points;
};

struct SweepLoadOptions {
  std::vector<std::string> extra_overrides;  // command-line `--set`, applied after `set:`
  bool reduced = false;                      // also apply the file's `reduced:` overrides
  bool check_base_exists = false;            // report a missing base file at `base:`
};

// Parses and expands a sweep file. Every problem is reported with its file:line:col;
// throws ScenarioError when any was found. load_sweep_spec also checks that the base exists.
SweepSpec load_sweep_spec(const std::filesystem::path& file, const SweepLoadOptions& options);
SweepSpec parse_sweep_spec(const std::string& text, const std::filesystem::path& as_path,
                           const SweepLoadOptions& options);

// The points of shard `shard` out of `shards` (index % shards == shard): a fixed share that
// does not depend on which shards run, when, or where.
std::vector<SweepPoint> shard_points(const std::vector<SweepPoint>& points, std::size_t shard,
                                     std::size_t shards);

// Parses "I/N" (0 <= I < N); returns false on anything else.
bool parse_shard(const std::string& text, std::size_t& shard, std::size_t& shards);

// The manifest written next to a sweep's results (sweep.json): enough to join results and to
// merge shard directories without the sweep file.
nlohmann::json sweep_manifest(const SweepSpec& spec);
SweepSpec spec_from_manifest(const nlohmann::json& manifest);  // throws xpusim::Error

}  // namespace xpusim::experiments
