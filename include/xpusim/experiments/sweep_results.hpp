#pragma once
// The results of a sweep: each point's outcome read back from its directory, joined with the
// point's parameters into one results.csv (one row per point, stable columns).
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "xpusim/experiments/sweep_spec.hpp"

namespace xpusim::experiments {

// What a point's directory says about it. summary.json is written last and atomically, so its
// presence means the run completed; error.txt holds why a run failed.
struct PointOutcome {
  bool ok = false;
  std::string error;       // why it failed (empty when ok)
  nlohmann::json summary;  // the point's summary.json when ok
};

inline constexpr const char* kPointSummaryFile = "summary.json";
inline constexpr const char* kPointErrorFile = "error.txt";

// A completed point (summary.json present) need not run again.
bool point_complete(const std::filesystem::path& point_dir);
// Reads the outcome from `point_dir`; a directory with neither file is a failed point whose
// error says it did not run.
PointOutcome read_point_outcome(const std::filesystem::path& point_dir);

// Every scalar of a summary as "dotted.key" -> text, arrays indexed ("a.0.b"); the resolved
// `scenario` subtree and the `seed` (a column of its own) are left out.
std::map<std::string, std::string> flatten_summary(const nlohmann::json& summary);

// results.csv: point, status, error, one column per parameter key (named by the dotted key),
// seed, then the union of the points' flattened metrics in sorted order. `outcomes` is parallel
// to `points`. Deterministic: same outcomes -> same bytes.
std::string results_csv(const std::vector<std::string>& param_keys,
                        const std::vector<SweepPoint>& points,
                        const std::vector<PointOutcome>& outcomes);

// Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& text);

}  // namespace xpusim::experiments
