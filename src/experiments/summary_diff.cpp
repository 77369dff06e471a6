#include "xpusim/experiments/summary_diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "xpusim/core/error.hpp"
#include "xpusim/experiments/regression_case.hpp"

namespace xpusim::experiments {

namespace fs = std::filesystem;

namespace {

void flatten(const nlohmann::json& node, const std::string& key, MetricValues& out) {
  if (node.is_number()) {
    out[key] = node.get<double>();
  } else if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (key.empty() && (it.key() == "scenario" || it.key() == "seed")) continue;
      flatten(it.value(), key.empty() ? it.key() : key + "." + it.key(), out);
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      flatten(node[i], key + "[" + std::to_string(i) + "]", out);
  }
}

double relative_change(double a, double b) {
  if (a == b) return 0;
  if (a == 0) return b > 0 ? std::numeric_limits<double>::infinity()
                           : -std::numeric_limits<double>::infinity();
  return (b - a) / std::fabs(a);
}

std::string number(std::optional<double> v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  return buf;
}

std::string change_text(const MetricDiff& d) {
  if (!d.a || !d.b) return d.a ? "only in A" : "only in B";
  if (std::isinf(d.rel_change)) return d.rel_change > 0 ? "+inf (was 0)" : "-inf (was 0)";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f%%", d.rel_change * 100);
  return buf;
}

}  // namespace

MetricValues flatten_metrics(const nlohmann::json& summary) {
  MetricValues out;
  flatten(summary, "", out);
  return out;
}

MetricValues load_metrics(const fs::path& path) {
  if (!fs::exists(path)) throw Error(path.string() + ": no such file or folder");
  if (path.extension() == ".yaml" || path.extension() == ".yml") {
    const RegressionCase c = load_regression_case(path);
    MetricValues out;
    for (const auto& e : c.expect) out[e.metric] = e.value;
    return out;
  }
  const fs::path file = fs::is_directory(path) ? path / "summary.json" : path;
  std::ifstream in(file);
  if (!in) throw Error(file.string() + ": cannot read (expected a result folder with summary.json, "
                                       "a summary.json or a regression case .yaml)");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Error(file.string() + ": not a JSON object (expected an xpusim summary.json)");
  return flatten_metrics(j);
}

std::vector<MetricDiff> diff_metrics(const MetricValues& a, const MetricValues& b,
                                     bool shared_only) {
  std::vector<MetricDiff> out;
  auto ia = a.begin();
  auto ib = b.begin();
  while (ia != a.end() || ib != b.end()) {
    MetricDiff d;
    if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
      d.metric = ia->first;
      d.a = (ia++)->second;
    } else if (ia == a.end() || ib->first < ia->first) {
      d.metric = ib->first;
      d.b = (ib++)->second;
    } else {
      d.metric = ia->first;
      d.a = (ia++)->second;
      d.b = (ib++)->second;
      d.rel_change = relative_change(*d.a, *d.b);
    }
    if (!shared_only || (d.a && d.b)) out.push_back(std::move(d));
  }
  return out;
}

bool exceeds(const std::vector<MetricDiff>& diffs, double percent) {
  return std::any_of(diffs.begin(), diffs.end(), [&](const MetricDiff& d) {
    return d.a && d.b && std::fabs(d.rel_change) * 100 > percent;
  });
}

std::string format_diff(const std::vector<MetricDiff>& diffs, bool all) {
  std::size_t width = 6;
  for (const auto& d : diffs) width = std::max(width, std::min<std::size_t>(d.metric.size(), 48));
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-*s %14s %14s  %s\n", static_cast<int>(width), "metric", "A",
                "B", "change");
  out << line;
  std::size_t changed = 0, equal = 0, one_sided = 0;
  const MetricDiff* largest = nullptr;
  for (const auto& d : diffs) {
    const bool both = d.a && d.b;
    if (!both) ++one_sided;
    else if (d.rel_change == 0) ++equal;
    else ++changed;
    if (both && d.rel_change != 0 &&
        (!largest || std::fabs(d.rel_change) > std::fabs(largest->rel_change)))
      largest = &d;
    if (!all && both && d.rel_change == 0) continue;
    std::snprintf(line, sizeof line, "%-*s %14s %14s  %s\n", static_cast<int>(width),
                  d.metric.c_str(), number(d.a).c_str(), number(d.b).c_str(),
                  change_text(d).c_str());
    out << line;
  }
  out << diffs.size() << " metrics: " << changed << " changed, " << equal << " equal, "
      << one_sided << " on one side only";
  if (largest) out << "; largest change " << largest->metric << " " << change_text(*largest);
  out << "\n";
  return out.str();
}

}  // namespace xpusim::experiments
