#include "xpusim/experiments/regression_case.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "xpusim/core/error.hpp"
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

const std::vector<std::string> kCaseKeys = {"description", "scenario", "set", "expect"};
const std::vector<std::string> kExpectKeys = {"value", "rel_tol", "abs_tol", "reason"};

std::string known(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

bool read_number(const YamlDocument& doc, const YAML::Node& node, const std::string& key,
                 double& out, Diagnostics& diag) {
  ParamDecl decl;
  decl.name = key;
  decl.type = ParamType::Real;
  ParamValue v;
  std::string why;
  if (!convert_scalar(node, decl, v, why)) {
    diag.error(doc.locate(node, key), key, why);
    return false;
  }
  out = std::get<double>(v);
  return true;
}

Expectation read_expectation(const YamlDocument& doc, const std::string& metric,
                             const YAML::Node& node, Diagnostics& diag) {
  Expectation e;
  e.metric = metric;
  const std::string where = "expect." + metric;
  if (!node.IsMap()) {
    diag.error(doc.locate(node, where), where,
               "expected {value: V, rel_tol: R and/or abs_tol: A, reason: WHY}");
    return e;
  }
  for (auto it = node.begin(); it != node.end(); ++it)
    if (std::find(kExpectKeys.begin(), kExpectKeys.end(), it->first.Scalar()) == kExpectKeys.end())
      diag.error(doc.locate(it->first, where), where + "." + it->first.Scalar(),
                 "unknown key (expected one of: " + known(kExpectKeys) + ")");
  const auto child = [&](const char* k) { return SectionReader::child(node, k); };
  if (child("value").IsNull())
    diag.error(doc.locate(node, where), where + ".value", "missing required key (a number)");
  else
    read_number(doc, child("value"), where + ".value", e.value, diag);
  if (!child("rel_tol").IsNull())
    read_number(doc, child("rel_tol"), where + ".rel_tol", e.rel_tol, diag);
  if (!child("abs_tol").IsNull())
    read_number(doc, child("abs_tol"), where + ".abs_tol", e.abs_tol, diag);
  if (e.rel_tol < 0 || e.abs_tol < 0)
    diag.error(doc.locate(node, where), where, "tolerances must be >= 0");
  if (child("rel_tol").IsNull() && child("abs_tol").IsNull())
    diag.error(
        doc.locate(node, where), where,
        "give rel_tol and/or abs_tol (0 for an exact match), so the tolerance is a decision");
  if (!child("reason").IsScalar() || child("reason").Scalar().empty())
    diag.error(doc.locate(node, where), where + ".reason",
               "missing: one line saying why this tolerance");
  else
    e.reason = child("reason").Scalar();
  return e;
}

// Summary keys may themselves contain dots (device names "inst0.gpu0"), so at each level every
// prefix of the remaining dotted key that ends at a dot is tried, longest first.
std::optional<double> metric_of(const nlohmann::json& node, const std::string& rest) {
  if (rest.empty())
    return node.is_number() ? std::optional<double>(node.get<double>()) : std::nullopt;
  if (!node.is_object()) return std::nullopt;
  for (std::size_t cut = rest.size();;) {
    const std::string head = rest.substr(0, cut);
    if (const auto it = node.find(head); it != node.end())
      if (const auto v = metric_of(*it, cut < rest.size() ? rest.substr(cut + 1) : "")) return v;
    if (cut == 0) break;
    const std::size_t dot = rest.rfind('.', cut - 1);
    if (dot == std::string::npos) break;
    cut = dot;
  }
  return std::nullopt;
}

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

RegressionCase parse_regression_case(const std::string& text,
                                     const std::filesystem::path& as_path) {
  const YamlDocument doc = YamlDocument::parse(text, as_path);
  Diagnostics diag;
  RegressionCase c;
  c.file = as_path;
  const YAML::Node& root = doc.root();
  for (auto it = root.begin(); it != root.end(); ++it)
    if (std::find(kCaseKeys.begin(), kCaseKeys.end(), it->first.Scalar()) == kCaseKeys.end())
      diag.error(doc.locate(it->first, it->first.Scalar()), it->first.Scalar(),
                 "unknown key (expected one of: " + known(kCaseKeys) + ")");
  if (const auto d = SectionReader::child(root, "description"); d.IsScalar())
    c.description = d.Scalar();
  const auto scenario = SectionReader::child(root, "scenario");
  if (!scenario.IsScalar() || scenario.Scalar().empty())
    diag.error(doc.locate(scenario, "scenario"), "scenario",
               "missing: the scenario file, relative to this case");
  else
    c.scenario = scenario.Scalar();
  if (const auto set = SectionReader::child(root, "set"); !set.IsNull()) {
    if (!set.IsMap())
      diag.error(doc.locate(set, "set"), "set", "expected a map of dotted.key: value");
    else
      for (auto it = set.begin(); it != set.end(); ++it) {
        YAML::Emitter out;
        out.SetMapFormat(YAML::Flow);
        out.SetSeqFormat(YAML::Flow);
        out << it->second;
        c.overrides.push_back(it->first.Scalar() + "=" + out.c_str());
      }
  }
  const auto expect = SectionReader::child(root, "expect");
  if (!expect.IsMap() || expect.size() == 0)
    diag.error(doc.locate(expect, "expect"), "expect",
               "expected a map of metric: {value, rel_tol/abs_tol, reason}");
  else
    for (auto it = expect.begin(); it != expect.end(); ++it)
      c.expect.push_back(read_expectation(doc, it->first.Scalar(), it->second, diag));
  diag.throw_if_any();
  return c;
}

RegressionCase load_regression_case(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError({file.string() + ": cannot read file (missing or unreadable)"});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_regression_case(text.str(), file);
}

std::vector<std::filesystem::path> regression_case_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<MetricCheck> check_summary(const RegressionCase& c, const nlohmann::json& summary) {
  std::vector<MetricCheck> out;
  for (const auto& e : c.expect) {
    MetricCheck m;
    m.expected = e;
    m.actual = metric_of(summary, e.metric);
    if (m.actual) {
      const double allowed = std::max(e.abs_tol, e.rel_tol * std::fabs(e.value));
      m.ok = std::fabs(*m.actual - e.value) <= allowed;
    }
    out.push_back(m);
  }
  return out;
}

std::string describe_checks(const std::vector<MetricCheck>& checks, bool only_failed) {
  std::ostringstream os;
  for (const auto& m : checks) {
    if (only_failed && m.ok) continue;
    const Expectation& e = m.expected;
    os << "  " << (m.ok ? "ok  " : "FAIL") << " " << e.metric << ": expected "
       << number_text(e.value);
    if (e.rel_tol > 0) os << " ± " << number_text(e.rel_tol * 100) << "%";
    if (e.abs_tol > 0 || e.rel_tol == 0) os << " ± " << number_text(e.abs_tol);
    os << ", got ";
    if (!m.actual) {
      os << "no such number in the summary";
    } else {
      os << number_text(*m.actual);
      if (e.value != 0) {
        char rel[32];
        std::snprintf(rel, sizeof rel, " (%+.2f%%)",
                      (*m.actual - e.value) / std::fabs(e.value) * 100);
        os << rel;
      }
    }
    os << "  [tolerance: " << e.reason << "]\n";
  }
  return os.str();
}

std::string updated_case_text(const RegressionCase& c, const nlohmann::json& summary) {
  std::ostringstream os;
  os << "# Regression case: `xpusim regress` checks it; `xpusim regress --update` rewrote the "
        "values.\n";
  if (!c.description.empty()) os << "description: " << quoted(c.description) << "\n";
  os << "scenario: " << quoted(c.scenario) << "\n";
  if (!c.overrides.empty()) {
    os << "set:\n";
    for (const auto& o : c.overrides) {
      const auto eq = o.find('=');
      os << "  " << o.substr(0, eq) << ": " << o.substr(eq + 1) << "\n";
    }
  }
  os << "expect:\n";
  for (const auto& e : c.expect) {
    const auto v = metric_of(summary, e.metric);
    if (!v) throw Error(c.file.string() + ": the summary has no number '" + e.metric + "'");
    os << "  " << e.metric << ": {value: " << number_text(*v);
    if (e.rel_tol > 0) os << ", rel_tol: " << number_text(e.rel_tol);
    if (e.abs_tol > 0 || e.rel_tol == 0) os << ", abs_tol: " << number_text(e.abs_tol);
    os << ",\n    reason: " << quoted(e.reason) << "}\n";
  }
  return os.str();
}

}  // namespace xpusim::experiments
