#pragma once
// A regression case (tests/regression/*.yaml): a scenario plus overrides, and the key metrics
// its summary must reproduce, each with a tolerance and a one-line reason for that tolerance.
// `xpusim regress` runs the cases; `--update` rewrites the expected values after a deliberate
// change (CHANGELOG.md says why the numbers moved).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "xpusim/scenario/diagnostics.hpp"

namespace xpusim::experiments {

struct Expectation {
  std::string metric;  // dotted key into summary.json, e.g. "tbt_s.p99"
  double value = 0;
  double rel_tol = 0;  // |actual - value| <= max(abs_tol, rel_tol * |value|)
  double abs_tol = 0;
  std::string reason;  // why this tolerance (one line)
};

struct RegressionCase {
  std::filesystem::path file;
  std::string description;
  std::string scenario;                // as written, relative to the case file
  std::vector<std::string> overrides;  // "dotted.key=value", from `set:`
  std::vector<Expectation> expect;

  std::filesystem::path scenario_path() const { return file.parent_path() / scenario; }
};

// Parses a case; problems are reported with file:line:col and thrown as ScenarioError.
RegressionCase load_regression_case(const std::filesystem::path& file);
RegressionCase parse_regression_case(const std::string& text, const std::filesystem::path& as_path);

// The *.yaml files of `dir`, sorted by name.
std::vector<std::filesystem::path> regression_case_files(const std::filesystem::path& dir);

struct MetricCheck {
  Expectation expected;
  std::optional<double> actual;  // none: the summary has no such number
  bool ok = false;
};

// Compares a run's summary with the case's expectations, in the case's order.
std::vector<MetricCheck> check_summary(const RegressionCase& c, const nlohmann::json& summary);

// "  tbt_s.p99: expected 0.048 ± 2% (reason), got 0.512 (+966.7%)" for each check (all of them
// when `only_failed` is false).
std::string describe_checks(const std::vector<MetricCheck>& checks, bool only_failed);

// The case file's text with every expected value replaced by the summary's (tolerances, reasons,
// overrides and description kept). Throws xpusim::Error when a metric is missing.
std::string updated_case_text(const RegressionCase& c, const nlohmann::json& summary);

}  // namespace xpusim::experiments
