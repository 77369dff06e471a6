#include "xpusim/experiments/sweep_results.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::experiments {

// The scenario layer's YAML reading and error reporting, used by every experiments file.
using scenario::convert_scalar;
using scenario::Diagnostics;
using scenario::Location;
using scenario::ScenarioError;
using scenario::SectionReader;
using scenario::YamlDocument;

namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();  // numbers in shortest round-trip form, booleans as true/false
}

void flatten_into(const nlohmann::json& v, const std::string& prefix,
                  std::map<std::string, std::string>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it)
      flatten_into(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i)
      flatten_into(v[i], prefix + "." + std::to_string(i), out);
  } else {
    out[prefix] = scalar_text(v);
  }
}

}  // namespace

bool point_complete(const std::filesystem::path& point_dir) {
  return std::filesystem::is_regular_file(point_dir / kPointSummaryFile);
}

PointOutcome read_point_outcome(const std::filesystem::path& point_dir) {
  PointOutcome o;
  if (point_complete(point_dir)) {
    try {
      o.summary = nlohmann::json::parse(read_text(point_dir / kPointSummaryFile));
      o.ok = true;
    } catch (const nlohmann::json::exception& e) {
      o.error = "summary.json does not parse: " + std::string(e.what());
    }
    return o;
  }
  if (std::filesystem::is_regular_file(point_dir / kPointErrorFile)) {
    o.error = read_text(point_dir / kPointErrorFile);
    while (!o.error.empty() && (o.error.back() == '\n' || o.error.back() == ' '))
      o.error.pop_back();
    if (o.error.empty()) o.error = "failed (no message)";
  } else {
    o.error = "not run";
  }
  return o;
}

std::map<std::string, std::string> flatten_summary(const nlohmann::json& summary) {
  std::map<std::string, std::string> out;
  if (!summary.is_object()) return out;
  for (auto it = summary.begin(); it != summary.end(); ++it) {
    if (it.key() == "scenario" || it.key() == "seed") continue;
    flatten_into(it.value(), it.key(), out);
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string results_csv(const std::vector<std::string>& param_keys,
                        const std::vector<SweepPoint>& points,
                        const std::vector<PointOutcome>& outcomes) {
  std::vector<std::map<std::string, std::string>> metrics(points.size());
  std::set<std::string> metric_keys;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!outcomes[i].ok) continue;
    metrics[i] = flatten_summary(outcomes[i].summary);
    for (const auto& kv : metrics[i]) metric_keys.insert(kv.first);
  }
  std::ostringstream csv;
  csv << "point,status,error";
  for (const auto& k : param_keys) csv << "," << csv_field(k);
  csv << ",seed";
  for (const auto& k : metric_keys) csv << "," << csv_field(k);
  csv << "\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    const PointOutcome& o = outcomes[i];
    csv << csv_field(p.id) << "," << (o.ok ? "ok" : "failed") << "," << csv_field(o.error);
    for (const auto& k : param_keys) {
      std::string value;
      for (const auto& [pk, pv] : p.params)
        if (pk == k) value = pv;
      csv << "," << csv_field(value);
    }
    std::string seed;
    if (p.seed)
      seed = std::to_string(*p.seed);
    else if (o.ok && o.summary.contains("seed"))
      seed = scalar_text(o.summary["seed"]);
    csv << "," << seed;
    for (const auto& k : metric_keys) {
      const auto it = metrics[i].find(k);
      csv << "," << (it == metrics[i].end() ? "" : csv_field(it->second));
    }
    csv << "\n";
  }
  return csv.str();
}

}  // namespace xpusim::experiments
