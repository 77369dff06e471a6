#pragma once
// `xpusim diff`: two runs' key numbers side by side, metric by metric, with the relative change,
// for CI logs and papers. A side is a result folder (its summary.json) or a regression case
// (its committed expectations).
//
// Contract: metrics are the numeric leaves of summary.json as dotted keys (array items as
// key[i]), sorted by name; the resolved scenario (`scenario`) and `seed` are not metrics.
// The relative change is (b - a) / |a|; 0 when a == b; +-infinity when a == 0 != b.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace xpusim::experiments {

using MetricValues = std::map<std::string, double>;

struct MetricDiff {
  std::string metric;
  std::optional<double> a, b;  // none: absent on that side
  double rel_change = 0;       // meaningful when both are present
};

MetricValues flatten_metrics(const nlohmann::json& summary);

// A folder with summary.json, a summary.json file, or a regression case (*.yaml: its
// expectations). Throws xpusim::Error (or ScenarioError for a malformed case) naming the path.
MetricValues load_metrics(const std::filesystem::path& path);

// Every metric of either side, in name order. With `shared_only`, only metrics on both sides
// (a regression case lists a few metrics; the folder's others are not compared).
std::vector<MetricDiff> diff_metrics(const MetricValues& a, const MetricValues& b,
                                     bool shared_only = false);

// True when some metric on both sides changed by more than `percent` (in either direction).
bool exceeds(const std::vector<MetricDiff>& diffs, double percent);

// A table (metric, A, B, change) of the changed metrics (all of them with `all`), then one line
// of counts and the largest change.
std::string format_diff(const std::vector<MetricDiff>& diffs, bool all);

}  // namespace xpusim::experiments
